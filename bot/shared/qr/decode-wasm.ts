/// <reference types="zxing-wasm/imageData" />
// (Gives the DOM-less ImageData type that readBarcodes accepts.)

import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import type { ReaderOptions, ReadResult, ZXingModuleOverrides } from "zxing-wasm/reader";
import type { RgbaImage } from "./decode-image.js";

/** The reader-only build shipped in node_modules (the package's own default points at a CDN). */
export function zxingReaderWasmPath(): string {
  return createRequire(import.meta.url).resolve("zxing-wasm/reader/zxing_reader.wasm");
}

/**
 * zxing-wasm caches one module per process and replaces it whenever the overrides differ, so two
 * decoders with their own overrides would re-instantiate it on every alternate call. Every module we
 * make comes from a checksum-verified local binary, i.e. the same code: any of them will do.
 */
const anyLocalModule = (cached: ZXingModuleOverrides): boolean => cached.wasmBinary !== undefined;

export interface ZxingReader {
  /** Resolves once the WebAssembly module is instantiated; rejects if it cannot be. */
  ready(): Promise<void>;
  read(image: RgbaImage, options: ReaderOptions): Promise<ReadResult[]>;
}

/**
 * Loads zxing-wasm from disk. Handing Emscripten `wasmBinary` is what keeps it off the network: this
 * build has no Node file loader, so without it it would `fetch()` the file (from jsDelivr by default).
 * The checksum catches a node_modules whose .wasm does not match its JavaScript glue.
 */
export function createZxingReader(wasmPath: string = zxingReaderWasmPath()): ZxingReader {
  let loading: Promise<ZXingModuleOverrides> | undefined;

  // The glue is imported with the first photo, not at start.
  let zxing: typeof import("zxing-wasm/reader") | undefined;
  const glue = async () => {
    zxing ??= await import("zxing-wasm/reader");
    return zxing;
  };

  async function load(): Promise<ZXingModuleOverrides> {
    const { prepareZXingModule, ZXING_WASM_SHA256 } = await glue();
    const binary = await readFile(wasmPath);
    const digest = createHash("sha256").update(binary).digest("hex");
    if (digest !== ZXING_WASM_SHA256) {
      throw new Error(`zxing-wasm binary at ${wasmPath} has sha256 ${digest}, expected ${ZXING_WASM_SHA256}`);
    }
    const overrides: ZXingModuleOverrides = {
      wasmBinary: binary.buffer.slice(binary.byteOffset, binary.byteOffset + binary.byteLength),
      locateFile: () => wasmPath,
    };
    await prepareZXingModule({ overrides, equalityFn: anyLocalModule, fireImmediately: true });
    return overrides;
  }

  async function overrides(): Promise<ZXingModuleOverrides> {
    loading ??= load().catch((error: unknown) => {
      // Forget the failure (here and in zxing-wasm's own cache) so the next photo retries.
      loading = undefined;
      zxing?.purgeZXingModule();
      throw error;
    });
    return loading;
  }

  return {
    async ready() {
      await overrides();
    },
    async read(image, options) {
      // Re-asserting our overrides is a cheap check that also guarantees readBarcodes never falls back
      // to the CDN default, should anything else in the process have purged or replaced the module.
      const mine = await overrides();
      const { prepareZXingModule, readBarcodes } = await glue();
      await prepareZXingModule({ overrides: mine, equalityFn: anyLocalModule, fireImmediately: true });
      return readBarcodes(image, options);
    },
  };
}
