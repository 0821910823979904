export type HeaderValue = string | string[] | undefined;
export type ResponseHeaders = Readonly<Record<string, HeaderValue>>;

/** The first value of a header, or undefined when it is missing or empty. */
export function headerText(value: HeaderValue): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text === '' ? undefined : text;
}
