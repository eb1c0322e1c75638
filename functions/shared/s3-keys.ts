/**
 * S3 object keys as S3 puts them in event notifications: URL-encoded, with "+" for a space. A key
 * that is not valid percent-encoding (a stray "%") is a malformed event, reported with its reason
 * instead of thrown as a URIError.
 */
export type DecodedKey = { ok: true; key: string } | { ok: false; reason: string };

export function decodeS3Key(encoded: string): DecodedKey {
  try {
    return { ok: true, key: decodeURIComponent(encoded.replace(/\+/g, ' ')) };
  } catch {
    return { ok: false, reason: `object key "${encoded}" is not valid URL encoding (S3 encodes keys in events; a literal "%" arrives as "%25")` };
  }
}
