// cookie@0.7 (a dependency of cookie-parser) ships no types; only `parse` is used.
declare module 'cookie' {
  export function parse(header: string): Record<string, string | undefined>;
}
