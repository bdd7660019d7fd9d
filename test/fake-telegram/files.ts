import { type AddFileOptions, badRequest, type FileRef, type Json, type UploadedFile } from "./types.js";

export interface StoredFile extends FileRef {
  bytes: Buffer;
  file_path: string;
  file_name?: string;
  mime_type?: string;
}

/** Bot API limit for getFile downloads. */
const MAX_DOWNLOAD = 20 * 1024 * 1024;
const MIME: Record<string, string> = {
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
  pdf: "application/pdf",
  txt: "text/plain",
  csv: "text/csv",
  json: "application/json",
};

export const mimeOf = (name: string) =>
  MIME[name.split(".").pop()?.toLowerCase() ?? ""] ?? "application/octet-stream";

const isUpload = (v: unknown): v is UploadedFile =>
  typeof v === "object" && v !== null && Buffer.isBuffer((v as UploadedFile).bytes);

/** Files known to the fake: uploaded by the bot, registered by tests, or sent by users. */
export class FileStore {
  private readonly byId = new Map<string, StoredFile>();
  private readonly byPath = new Map<string, StoredFile>();
  private seq = 0;

  add(bytes: Buffer, opts: AddFileOptions = {}): StoredFile {
    const n = ++this.seq;
    const tag = n.toString(36).padStart(4, "0");
    const ext = opts.fileName?.includes(".") ? opts.fileName.split(".").pop() : "jpg";
    const file: StoredFile = {
      file_id: `AgACAgIAAxkBAAI${tag}FakeFileId`,
      file_unique_id: `AQAD${tag}`,
      file_size: opts.fileSize ?? bytes.length,
      bytes,
      file_path: `${opts.dir ?? "photos"}/file_${n}.${ext}`,
      file_name: opts.fileName,
      mime_type: opts.mimeType ?? (opts.fileName ? mimeOf(opts.fileName) : undefined),
    };
    this.byId.set(file.file_id, file);
    this.byPath.set(file.file_path, file);
    return file;
  }

  byFilePath(path: string): StoredFile | undefined {
    return this.byPath.get(path);
  }

  /** Resolves an InputFile parameter: an upload, a known file_id or an HTTP URL. */
  input(value: unknown, opts: AddFileOptions): StoredFile {
    if (isUpload(value)) {
      if (value.bytes.length === 0) throw badRequest("file must be non-empty");
      return this.add(value.bytes, { ...opts, fileName: value.filename });
    }
    const known = typeof value === "string" ? this.byId.get(value) : undefined;
    if (known) return known;
    if (typeof value === "string" && /^https?:\/\/\S+$/.test(value)) {
      const name = new URL(value).pathname.split("/").pop() || "file.jpg";
      return this.add(Buffer.from(`fake download of ${value}`), { ...opts, fileName: name });
    }
    throw badRequest("wrong file identifier/HTTP URL specified");
  }

  /** The getFile method. */
  getFile(p: Json): Json {
    const f = this.byId.get(String(p.file_id));
    if (!f) throw badRequest("invalid file_id");
    if (f.file_size > MAX_DOWNLOAD) throw badRequest("file is too big");
    const { file_id, file_unique_id, file_size, file_path } = f;
    return { file_id, file_unique_id, file_size, file_path };
  }
}

export const fileRef = ({ file_id, file_unique_id, file_size }: FileRef): FileRef => ({
  file_id,
  file_unique_id,
  file_size,
});
