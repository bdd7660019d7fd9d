import type { ZaloClient } from "./client.js";
import { FILE_TYPES, IMAGE_MAX_BYTES, type SendStep } from "./messages.js";

/** Zalo takes images up to 1 MB: a bigger picture (a poster) is re-encoded as JPEG, smaller each try. */
export async function fitImage(
  png: Uint8Array,
  fileName: string,
): Promise<{ bytes: Uint8Array; fileName: string; mimeType: string }> {
  if (png.byteLength <= IMAGE_MAX_BYTES) return { bytes: png, fileName, mimeType: "image/png" };
  const { default: sharp } = await import("sharp");
  const jpegName = `${fileName.replace(/\.[^.]*$/, "")}.jpg`;
  for (const [side, quality] of [
    [4096, 85],
    [2048, 80],
    [1280, 75],
    [800, 70],
  ] as const) {
    const bytes = await sharp(png)
      .resize({ width: side, height: side, fit: "inside", withoutEnlargement: true })
      .flatten({ background: "#ffffff" })
      .jpeg({ quality, mozjpeg: true })
      .toBuffer();
    if (bytes.byteLength <= IMAGE_MAX_BYTES) return { bytes, fileName: jpegName, mimeType: "image/jpeg" };
  }
  throw new Error(`image ${fileName} cannot be brought under ${IMAGE_MAX_BYTES} bytes`);
}

/** Runs the steps in order: uploads first where a message needs an attachment id or file token. */
export async function sendSteps(client: ZaloClient, userId: string, steps: SendStep[]): Promise<void> {
  for (const step of steps) {
    if (step.kind === "message") {
      await client.sendMessage(userId, step.message);
    } else if (step.kind === "image") {
      const image = await fitImage(step.png, step.fileName);
      const id = await client.uploadImage(image.bytes, image.fileName, image.mimeType);
      await client.sendMessage(userId, {
        text: step.text,
        attachment: {
          type: "template",
          payload: {
            template_type: "media",
            elements: [{ media_type: "image", attachment_id: id }],
            buttons: step.buttons,
          },
        },
      });
    } else {
      const byExtension = Object.keys(FILE_TYPES).find((m) =>
        step.fileName.toLowerCase().endsWith(`.${FILE_TYPES[m]}`),
      );
      const mimeType = FILE_TYPES[step.mimeType] ? step.mimeType : (byExtension ?? step.mimeType);
      const token = await client.uploadFile(step.bytes, step.fileName, mimeType);
      await client.sendMessage(userId, { attachment: { type: "file", payload: { token } } });
    }
  }
}
