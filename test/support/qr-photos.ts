import QRCode from "qrcode";
import sharp, { type OverlayOptions, type Sharp } from "sharp";

/** Seeded PRNG (mulberry32) so generated photos are the same on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomToken(rng: () => number, length: number): string {
  const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  return Array.from({ length }, () => alphabet[Math.floor(rng() * alphabet.length)]).join("");
}

/** Uncompressed RGBA, passed between steps: PNG round trips made generating a photo take seconds. */
export interface RawRgba {
  data: Buffer;
  width: number;
  height: number;
}

async function toRaw(image: Sharp): Promise<RawRgba> {
  const { data, info } = await image.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

function fromRaw(image: RawRgba): Sharp {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 4 } });
}

/** A QR drawn module by module from the qrcode package's matrix (its own PNG writer is slow). */
export function qrRaw(text: string, modulePx: number, margin = 4): RawRgba {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: "M" });
  const side = (modules.size + 2 * margin) * modulePx;
  const data = Buffer.alloc(side * side * 4, 0xff);
  for (let y = 0; y < side; y++) {
    const row = Math.floor(y / modulePx) - margin;
    for (let x = 0; x < side; x++) {
      const col = Math.floor(x / modulePx) - margin;
      const inside = row >= 0 && col >= 0 && row < modules.size && col < modules.size;
      if (inside && modules.get(row, col)) data.fill(0, (y * side + x) * 4, (y * side + x) * 4 + 3);
    }
  }
  return { data, width: side, height: side };
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface CardSpec {
  text: string;
  /** Width of the QR itself, quiet zone included; modules need not be whole pixels. */
  qrPx: number;
  caption?: string;
  /** Degrees, any angle; the corners become transparent. */
  rotate?: number;
  /** Horizontal shear (x += shear·y), a cheap stand-in for a photo taken at an angle. */
  shear?: number;
}

/** A printed poster: QR on a white card with a caption underneath, corners transparent. */
export async function qrCard(spec: CardSpec): Promise<RawRgba> {
  const drawn = qrRaw(spec.text, 8);
  const qrSide = Math.max(21, Math.round(spec.qrPx));
  const qr = await toRaw(fromRaw(drawn).resize(qrSide, qrSide, { kernel: "linear" }));
  const captionPx = spec.caption ? Math.max(12, Math.round(qrSide / 12)) : 0;
  const pad = Math.round(qrSide / 20);
  const width = qrSide + 2 * pad;
  const height = qrSide + 2 * pad + captionPx * 2;
  const layers: OverlayOptions[] = [
    { input: qr.data, raw: { width: qrSide, height: qrSide, channels: 4 }, left: pad, top: pad },
  ];
  if (spec.caption) {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${captionPx * 2}">
      <text x="50%" y="${captionPx * 1.2}" font-family="DejaVu Sans, sans-serif" font-size="${captionPx}"
        text-anchor="middle" fill="#1a1a1a">${escapeXml(spec.caption)}</text></svg>`;
    layers.push({ input: Buffer.from(svg), left: 0, top: qrSide + pad });
  }
  // composite() runs last in a sharp pipeline, so the geometric step works on a materialised image.
  const card = await toRaw(
    sharp({ create: { width, height, channels: 4, background: "#ffffff" } }).composite(layers),
  );
  if (!spec.shear && !spec.rotate) return card;
  // Shear then rotation as one affine transform: one resampling pass, like a single photo of the card.
  const t = ((spec.rotate ?? 0) * Math.PI) / 180;
  const [cos, sin, k] = [Math.cos(t), Math.sin(t), spec.shear ?? 0];
  const matrix: [number, number, number, number] = [cos, cos * k - sin, sin, sin * k + cos];
  return toRaw(fromRaw(card).affine(matrix, { background: { r: 0, g: 0, b: 0, alpha: 0 } }));
}

export interface PhotoSpec {
  width: number;
  height: number;
  cards: Array<{ image: RawRgba; left: number; top: number }>;
  /** Gaussian blur sigma over the whole photo; 0 or below 0.3 means none. */
  blur?: number;
  /** JPEG quality; omit for a lossless PNG. */
  quality?: number;
  /** Sensor noise, ± this many levels per pixel (default 6, daylight); 15+ looks like a dim room. */
  grain?: number;
  /** Enlarge the finished scene to this size before blur and encoding (a soft, big camera photo). */
  upscaleTo?: { width: number; height: number };
  seed?: number;
  /** Camera shake: a straight smear this many pixels long, at this angle in degrees (0, 45, 90 or 135). */
  motion?: { length: number; angle: 0 | 45 | 90 | 135 };
  /** A lamp's reflection: a white spot fading out from (x, y) over `radius` pixels, `strength` 0–1 at its centre. */
  glare?: { x: number; y: number; radius: number; strength: number };
  /** Multiply contrast around mid-grey (0.3: a faded print under dim light), then shift by `offset` levels. */
  contrast?: { factor: number; offset: number };
}

/** A normalised line kernel for sharp's convolve: camera shake along one direction. */
function motionKernel(
  length: number,
  angle: 0 | 45 | 90 | 135,
): { width: number; height: number; kernel: number[] } {
  const n = Math.max(3, length | 1);
  const kernel = new Array<number>(n * n).fill(0);
  const mid = (n - 1) / 2;
  for (let i = 0; i < n; i++) {
    const [x, y] = angle === 0 ? [i, mid] : angle === 90 ? [mid, i] : angle === 45 ? [i, n - 1 - i] : [i, i];
    kernel[y * n + x] = 1;
  }
  return { width: n, height: n, kernel: kernel.map((k) => k / n) };
}

/** A busy "photo" background: gradient, coloured shapes and sensor-like grain, with cards pasted on. */
export async function photo(spec: PhotoSpec): Promise<Buffer> {
  const rng = seededRandom(spec.seed ?? 1);
  const colour = () => `hsl(${Math.floor(rng() * 360)},${30 + Math.floor(rng() * 50)}%,${25 + rng() * 50}%)`;
  const shapes = Array.from({ length: 14 }, () => {
    const x = Math.round(rng() * spec.width);
    const y = Math.round(rng() * spec.height);
    const r = Math.round((0.05 + rng() * 0.2) * spec.width);
    return rng() < 0.5
      ? `<circle cx="${x}" cy="${y}" r="${r}" fill="${colour()}" opacity="0.7"/>`
      : `<rect x="${x - r}" y="${y - r / 2}" width="${2 * r}" height="${r}" fill="${colour()}" opacity="0.7"/>`;
  }).join("");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${spec.width}" height="${spec.height}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="${colour()}"/><stop offset="1" stop-color="${colour()}"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/>${shapes}</svg>`;
  const cards = spec.cards.map((c) => ({
    input: c.image.data,
    raw: { width: c.image.width, height: c.image.height, channels: 4 as const },
    left: c.left,
    top: c.top,
  }));
  // Drawn at a quarter size and enlarged: librsvg is slow on big canvases, and a soft background looks
  // like a real photo's out-of-focus surroundings anyway.
  const background = await toRaw(
    sharp(Buffer.from(svg), { density: 18 }).resize(spec.width, spec.height, { kernel: "linear" }),
  );
  const scene = await toRaw(fromRaw(background).composite(cards));
  addGrain(scene, rng, spec.grain ?? 6);
  let lit = scene;
  if (spec.glare) {
    const g = spec.glare;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${spec.width}" height="${spec.height}">
      <defs><radialGradient id="l" cx="${g.x}" cy="${g.y}" r="${g.radius}" gradientUnits="userSpaceOnUse">
        <stop offset="0" stop-color="#fff" stop-opacity="${g.strength}"/>
        <stop offset="0.45" stop-color="#fff" stop-opacity="${g.strength * 0.8}"/>
        <stop offset="1" stop-color="#fff" stop-opacity="0"/></radialGradient></defs>
      <rect width="100%" height="100%" fill="url(#l)"/></svg>`;
    lit = await toRaw(fromRaw(scene).composite([{ input: Buffer.from(svg) }]));
  }
  let out = fromRaw(lit).removeAlpha();
  if (spec.contrast)
    out = out.linear(spec.contrast.factor, 128 * (1 - spec.contrast.factor) + spec.contrast.offset);
  if (spec.motion) {
    // convolve() runs after the resize of a pipeline, so the smear is applied to a materialised image.
    out = sharp(await out.png({ compressionLevel: 0 }).toBuffer()).convolve(
      motionKernel(spec.motion.length, spec.motion.angle),
    );
  }
  if (spec.upscaleTo) out = out.resize(spec.upscaleTo.width, spec.upscaleTo.height, { kernel: "linear" });
  if (spec.blur && spec.blur >= 0.3) out = out.blur(spec.blur);
  return spec.quality ? out.jpeg({ quality: spec.quality }).toBuffer() : out.png().toBuffer();
}

/** Uniform noise, in place, in JS: libvips' gaussian noise generator takes ~1 s per photo. */
function addGrain(image: RawRgba, rng: () => number, amplitude: number): void {
  if (amplitude < 1) return;
  const span = 2 * Math.round(amplitude) + 1;
  const data = new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  let x = Math.floor(rng() * 0xffffffff) | 1;
  for (let i = 0; i < data.length; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const delta = ((x >>> 24) % span) - Math.round(amplitude);
    data[i] = data[i]! + delta;
    data[i + 1] = data[i + 1]! + delta;
    data[i + 2] = data[i + 2]! + delta;
  }
}

export interface PosterVariant {
  text: string;
  width: number;
  height: number;
  /** QR width as a fraction of the photo width. */
  qrFraction: number;
  rotate: number;
  shear: number;
  blur: number;
  quality: number;
  grain: number;
  seed: number;
  motion?: PhotoSpec["motion"];
  /** Glare centred on the QR at (fx, fy) of its size, radius as a fraction of it. */
  glare?: { fx: number; fy: number; radius: number; strength: number };
  contrast?: PhotoSpec["contrast"];
}

/** One poster on one background, scaled down if the rotated card would not fit the frame. */
export async function posterPhoto(v: PosterVariant): Promise<Buffer> {
  const rng = seededRandom(v.seed);
  // Big photos are composed at ≤ 2000 px and enlarged at the end: composing 12 MP took seconds.
  const scale = Math.min(1, 2000 / Math.max(v.width, v.height));
  const width = Math.round(v.width * scale);
  const height = Math.round(v.height * scale);
  let card = await qrCard({
    text: v.text,
    qrPx: Math.round(v.qrFraction * width),
    caption: "Quét mã để khai báo y tế",
    rotate: v.rotate,
    shear: v.shear,
  });
  const fit = Math.min(1, (width * 0.98) / card.width, (height * 0.98) / card.height);
  if (fit < 1) {
    card = await toRaw(fromRaw(card).resize(Math.floor(card.width * fit), Math.floor(card.height * fit)));
  }
  const left = Math.floor(rng() * (width - card.width));
  const top = Math.floor(rng() * (height - card.height));
  const glare = v.glare && {
    x: Math.round(left + v.glare.fx * card.width),
    y: Math.round(top + v.glare.fy * card.width),
    radius: Math.round(v.glare.radius * card.width),
    strength: v.glare.strength,
  };
  return photo({
    ...v,
    glare,
    width,
    height,
    cards: [{ image: card, left, top }],
    upscaleTo: scale < 1 ? { width: v.width, height: v.height } : undefined,
  });
}
