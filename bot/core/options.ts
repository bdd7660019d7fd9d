import type { Input } from "./types.js";

/** Telegram's limit on callback_data, in bytes; Zalo's query payloads are larger, so this one binds. */
export const OPTION_ID_MAX_BYTES = 64;

/**
 * One argument of a button id: a non-negative integer, a short token (letters, digits and `_ - . + #`), or
 * either of them optional (optional ones come last).
 */
export type OptionArg = "int" | "str" | "int?" | "str?";

type ArgValue<A extends OptionArg> = A extends "int"
  ? number
  : A extends "str"
    ? string
    : A extends "int?"
      ? number | undefined
      : string | undefined;

type ArgValues<T extends readonly OptionArg[]> = { -readonly [K in keyof T]: ArgValue<T[K]> };

/** What `build` takes: the arguments, the optional last one omissible. */
type BuildArgs<T extends readonly OptionArg[]> = T extends readonly [
  ...infer Head extends readonly OptionArg[],
  infer Last extends OptionArg,
]
  ? Last extends "int?" | "str?"
    ? [...BuildArgs<Head>, ArgValue<Last>?]
    : ArgValues<T>
  : ArgValues<T>;

/** An option parsed by its codec: which action, with its typed arguments. */
export type ParsedOption<S extends Record<string, readonly OptionArg[]>> = {
  [K in keyof S & string]: { action: K; args: ArgValues<S[K]> };
}[keyof S & string];

/** The actions of a codec's spec that take exactly `A`: `[]` for plain buttons, `["str"]` for one token. */
export type ActionsTaking<S extends Record<string, readonly OptionArg[]>, A extends readonly OptionArg[]> = {
  [K in keyof S & string]: S[K] extends A ? (A extends S[K] ? K : never) : never;
}[keyof S & string];

/** The spec a codec was made from. */
export type SpecOf<C> = C extends OptionCodec<infer S> ? S : never;

export interface OptionCodec<S extends Record<string, readonly OptionArg[]>> {
  readonly prefix: string;
  /** The actions and the kinds of their arguments, as declared. */
  readonly spec: S;
  /** The button id for an action and its arguments; throws if it would not fit in 64 bytes. */
  build<K extends keyof S & string>(action: K, ...args: BuildArgs<S[K]>): string;
  /** The action and arguments of an id this codec built; null for anything else. */
  parse(data: string): ParsedOption<S> | null;
  /** The arguments when `input` is a press of this action's button; null otherwise. */
  match<K extends keyof S & string>(
    input: Input | string | null | undefined,
    action: K,
  ): ArgValues<S[K]> | null;
  /** Whether the id is one of this codec's (whatever the action). */
  owns(data: string): boolean;
}

const INT = /^\d{1,15}$/;
const TOKEN = /^[A-Za-z0-9_.+#-]{1,40}$/;

/**
 * Button ids of one flow or feature, declared once: `prefix:action:arg…`. Jobs, replies and flows build and
 * parse them through the same codec, so an id cannot drift between the file that sends it and the one that
 * reads it. The prefix is the flow's name: the engine hands a press to the active flow whose name prefixes it.
 */
export function optionCodec<const S extends Record<string, readonly OptionArg[]>>(
  prefix: string,
  spec: S,
): OptionCodec<S> {
  if (!TOKEN.test(prefix)) throw new Error(`bad option prefix ${prefix}`);
  for (const [action, args] of Object.entries(spec)) {
    if (!TOKEN.test(action)) throw new Error(`bad option action ${prefix}:${action}`);
    const firstOptional = args.findIndex((a) => a.endsWith("?"));
    if (firstOptional !== -1 && args.slice(firstOptional).some((a) => !a.endsWith("?")))
      throw new Error(`optional arguments of ${prefix}:${action} must come last`);
  }

  const build = (action: string, ...args: unknown[]): string => {
    const kinds = spec[action];
    if (!kinds) throw new Error(`unknown option ${prefix}:${action}`);
    const parts: string[] = [prefix, action];
    kinds.forEach((kind, i) => {
      const v = args[i];
      if (v === undefined && kind.endsWith("?")) {
        if (args.slice(i).some((x) => x !== undefined))
          throw new Error(`option ${prefix}:${action}: argument ${i} is missing before a later one`);
        return;
      }
      const s = String(v);
      const ok = kind.startsWith("int") ? Number.isSafeInteger(v) && (v as number) >= 0 : TOKEN.test(s);
      if (!ok) throw new Error(`option ${prefix}:${action}: argument ${i} (${kind}) is not valid`);
      parts.push(s);
    });
    const id = parts.join(":");
    if (Buffer.byteLength(id) > OPTION_ID_MAX_BYTES)
      throw new Error(`option id ${prefix}:${action} is over ${OPTION_ID_MAX_BYTES} bytes`);
    return id;
  };

  const parse = (data: string): ParsedOption<S> | null => {
    const [head, action, ...rest] = data.split(":");
    if (head !== prefix || action === undefined) return null;
    const kinds = Object.hasOwn(spec, action) ? spec[action] : undefined;
    if (!kinds) return null;
    const required = kinds.filter((k) => !k.endsWith("?")).length;
    if (rest.length < required || rest.length > kinds.length) return null;
    const args: unknown[] = [];
    for (let i = 0; i < kinds.length; i++) {
      const kind = kinds[i]!;
      const raw = rest[i];
      if (raw === undefined) {
        args.push(undefined);
        continue;
      }
      if (kind.startsWith("int")) {
        if (!INT.test(raw)) return null;
        args.push(Number(raw));
      } else {
        if (!TOKEN.test(raw)) return null;
        args.push(raw);
      }
    }
    return { action, args } as ParsedOption<S>;
  };

  return {
    prefix,
    spec,
    build: build as OptionCodec<S>["build"],
    parse,
    match(input, action) {
      const data = typeof input === "string" ? input : input?.kind === "option" ? input.data : null;
      const parsed = data === null ? null : parse(data);
      return parsed && parsed.action === action ? (parsed.args as ArgValues<S[typeof action]>) : null;
    },
    owns: (data) => data.startsWith(`${prefix}:`),
  };
}
