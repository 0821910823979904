import { asArray, parsePackageXml } from './epub-xml.ts';
import { refused, type EpubZip } from './epub-zip.ts';

/** Font obfuscation (IDPF and Adobe): it hides fonts from copying, not the text from reading. */
const FONT_OBFUSCATION = new Set(['http://www.idpf.org/2008/embedding', 'http://ns.adobe.com/pdf/enc#RC']);

/**
 * Refuses a book whose text is encrypted (DRM): META-INF/encryption.xml listing any resource
 * with an algorithm other than font obfuscation. Read before anything else, so a protected
 * book fails with one line instead of as garbled XML.
 */
export async function refuseEncrypted(zip: EpubZip): Promise<void> {
  if (!zip.has('META-INF/encryption.xml')) return;
  const xml = parsePackageXml(await zip.read('META-INF/encryption.xml', 4 * 1024 * 1024), 'META-INF/encryption.xml');
  const data = asArray((xml.encryption as Record<string, unknown> | undefined)?.EncryptedData as Record<string, unknown>[] | undefined);
  const locked = data.filter((entry) => {
    const method = (entry.EncryptionMethod as Record<string, unknown> | undefined)?.['@Algorithm'];
    return typeof method !== 'string' || !FONT_OBFUSCATION.has(method);
  });
  if (locked.length > 0) {
    const first = (
      (locked[0]?.CipherData as Record<string, unknown> | undefined)?.CipherReference as Record<string, unknown> | undefined
    )?.['@URI'];
    throw refused(
      `is DRM-encrypted (${locked.length} encrypted resource${locked.length === 1 ? '' : 's'}${typeof first === 'string' ? `, e.g. ${first}` : ''}); only books without DRM can be read`,
    );
  }
}
