import { type FileSource, FileTooLargeError, type Input } from "./types.js";

/** Largest file read ahead of the transaction; features ask for less (10 MB photos, 2 MB list files). */
export const PREFETCH_MAX_BYTES = 10 * 1024 * 1024;

/**
 * Downloads the photo or document of an input before the update's transaction opens, so a slow download never
 * holds a database lock (PGlite has one connection for everyone). The returned source answers from memory, with
 * the caller's limit applied then; a download that failed fails the same way when a feature asks for it.
 */
export async function prefetchFile(
  files: FileSource | undefined,
  input: Input,
): Promise<FileSource | undefined> {
  if (!files || (input.kind !== "photo" && input.kind !== "document")) return files;
  const ref = input.fileRef;
  let outcome: { bytes: Buffer } | { error: unknown };
  try {
    outcome = { bytes: await files.fetch(ref, PREFETCH_MAX_BYTES) };
  } catch (error) {
    outcome = { error };
  }
  return {
    async fetch(fileRef, maxBytes) {
      if (fileRef !== ref) return files.fetch(fileRef, maxBytes);
      if ("error" in outcome) throw outcome.error;
      if (outcome.bytes.length > maxBytes) throw new FileTooLargeError(outcome.bytes.length, maxBytes);
      return outcome.bytes;
    },
  };
}
