/**
 * Whether a failed database call may succeed if simply tried again: the connection was lost or refused, the
 * server is starting or shutting down, a serialization failure or deadlock, a timeout. Anything else (a
 * constraint, a bug) fails the same way every time. Drizzle wraps driver errors, so the whole `cause` chain
 * is looked at.
 */
export function isTransientDbError(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === "object" && depth < 8; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && isTransientCode(code)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

const DRIVER_CODES = new Set([
  // postgres.js
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  // Node sockets
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

function isTransientCode(code: string): boolean {
  if (DRIVER_CODES.has(code)) return true;
  // SQLSTATE: connection exceptions, serialization failure, deadlock, lock not available, query cancelled
  // (statement timeout), admin/crash shutdown, cannot connect now, too many connections.
  return (
    code.startsWith("08") ||
    ["40001", "40P01", "55P03", "57014", "57P01", "57P02", "57P03", "53300"].includes(code)
  );
}
