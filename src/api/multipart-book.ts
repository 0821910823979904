import type { FastifyRequest } from 'fastify';
import { InputError } from '../errors/input-error.ts';

/**
 * A render asked as multipart/form-data: a `book` file part (EPUB, Markdown, HTML or text) and a
 * `request` part holding the other fields as JSON. Turned into the JSON body the route validates
 * (the file as `book`, base64, its name as `fileName` unless the request names one), so both
 * ways are checked by the one schema. API_BODY_LIMIT bounds the file (@fastify/multipart limits).
 */
export async function multipartToBody(request: FastifyRequest): Promise<void> {
  if (!request.isMultipart()) return;
  let fields: Record<string, unknown> = {};
  let book: { bytes: Buffer; name: string } | undefined;
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      if (part.fieldname !== 'book')
        throw new InputError(part.fieldname, 'unknown file part; send the book as the `book` part', part.fieldname);
      book = { bytes: await part.toBuffer(), name: part.filename };
    } else if (part.fieldname === 'request') {
      try {
        const parsed: unknown = JSON.parse(String(part.value));
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
        fields = parsed as Record<string, unknown>;
      } catch (error) {
        throw new InputError(
          'request',
          `must be a JSON object of the render's fields (${error instanceof Error ? error.message : String(error)})`,
          undefined,
        );
      }
    } else throw new InputError(part.fieldname, 'unknown part; send `book` (the file) and `request` (JSON)', part.fieldname);
  }
  if (book === undefined) throw new InputError('book', 'the multipart request has no `book` file part', undefined);
  request.body = {
    ...fields,
    book: book.bytes.toString('base64'),
    ...(fields.fileName === undefined && book.name !== '' ? { fileName: book.name } : {}),
  };
}
