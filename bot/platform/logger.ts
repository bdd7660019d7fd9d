import pino, { type DestinationStream, type Logger } from "pino";
import { safeError } from "./log-errors.js";

export interface LoggerOptions {
  level: string;
  /** Values that must never reach a log line (bot tokens, app secrets), whatever object carries them. */
  secrets: (string | undefined)[];
  destination?: DestinationStream;
}

/**
 * Structured JSON logs; every line is scrubbed of the configured secrets before it is written, and errors
 * go through {@link safeError}, which keeps what names a failure and drops what it was carrying.
 */
export function createLogger(opts: LoggerOptions): Logger {
  const secrets = opts.secrets.filter((s): s is string => typeof s === "string" && s.length >= 6);
  const scrub = (line: string) => secrets.reduce((out, s) => out.split(s).join("[secret]"), line);
  return pino(
    {
      level: opts.level,
      base: undefined,
      serializers: { err: safeError, error: safeError },
      redact: {
        paths: ["token", "*.token", "secret", "*.secret", "headers.authorization"],
        censor: "[secret]",
      },
      hooks: secrets.length ? { streamWrite: scrub } : {},
    },
    opts.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
