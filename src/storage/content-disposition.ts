/**
 * inline, with the book's name: an ASCII fallback in `filename` (quotes and backslashes out, other
 * characters "_") and the real name in `filename*` (RFC 6266 / RFC 5987), which browsers prefer.
 */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `inline; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}
