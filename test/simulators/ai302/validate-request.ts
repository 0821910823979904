/** A create request the simulator accepted. */
export interface SimCreate {
  kind: 'clone' | 'generate';
  text: string;
  refAudioLinks?: string[];
  refAudioText?: string[];
  systemPrompt?: string;
  multiSpeaker?: boolean;
  temperature?: number;
  topK?: number;
  topP?: number;
}

export type Validation = { ok: true; request: SimCreate } | { ok: false; message: string };

const COMMON_FIELDS = ['input_text', 'temperature', 'top_k', 'top_p'];
const FIELDS = {
  clone: new Set([...COMMON_FIELDS, 'ref_audio_links', 'ref_audio_text']),
  generate: new Set([...COMMON_FIELDS, 'is_multi_speaker', 'system_prompt']),
};

/**
 * Checks a create body as 302.AI documents it (docs/providers/ai302.md): required fields, array
 * pairing, ranges (temperature 0–1.5, top_k −1–100 integer, top_p 0.1–1), and no field the endpoint
 * lacks (strictness here catches a client that sends a generic name instead of the wire name).
 */
export function validateCreate(kind: 'clone' | 'generate', body: unknown, maxChars: number | undefined): Validation {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, message: 'body must be a JSON object' };
  const fields = body as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((key) => !FIELDS[kind].has(key));
  if (unknown.length > 0) return { ok: false, message: `unknown field(s) for ${kind}: ${unknown.join(', ')}` };
  const text = fields.input_text;
  if (typeof text !== 'string' || text.trim() === '') return { ok: false, message: 'input_text is required' };
  if (maxChars !== undefined && [...text].length > maxChars)
    return { ok: false, message: `input_text is too long: ${[...text].length} > ${maxChars}` };
  const request: SimCreate = { kind, text };
  const range = (name: string, min: number, max: number, integer: boolean): string | undefined => {
    const value = fields[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
      return `${name} must be ${integer ? 'an integer' : 'a number'} >= ${min} and <= ${max}`;
    }
    return undefined;
  };
  const rangeProblem = range('temperature', 0, 1.5, false) ?? range('top_k', -1, 100, true) ?? range('top_p', 0.1, 1, false);
  if (rangeProblem) return { ok: false, message: rangeProblem };
  if (typeof fields.temperature === 'number') request.temperature = fields.temperature;
  if (typeof fields.top_k === 'number') request.topK = fields.top_k;
  if (typeof fields.top_p === 'number') request.topP = fields.top_p;

  if (kind === 'clone') {
    const links = fields.ref_audio_links;
    const texts = fields.ref_audio_text;
    if (!Array.isArray(links) || links.length === 0) return { ok: false, message: 'ref_audio_links must be a non-empty array' };
    if (!Array.isArray(texts)) return { ok: false, message: 'ref_audio_text must be an array' };
    if (links.length !== texts.length)
      return { ok: false, message: `ref_audio_links (${links.length}) and ref_audio_text (${texts.length}) must pair up` };
    for (const link of links) {
      if (typeof link !== 'string' || !/^https?:\/\/[^\s/]+/.test(link))
        return { ok: false, message: `ref_audio_links: not an http(s) URL: ${JSON.stringify(link)}` };
    }
    if (texts.some((item) => typeof item !== 'string' || item.trim() === ''))
      return { ok: false, message: 'ref_audio_text: each entry must be non-empty text' };
    request.refAudioLinks = links as string[];
    request.refAudioText = texts as string[];
    return { ok: true, request };
  }
  if (typeof fields.is_multi_speaker !== 'boolean') return { ok: false, message: 'is_multi_speaker is required (boolean)' };
  request.multiSpeaker = fields.is_multi_speaker;
  const prompt = fields.system_prompt;
  if (prompt !== undefined && prompt !== null) {
    if (typeof prompt !== 'string') return { ok: false, message: 'system_prompt must be a string' };
    request.systemPrompt = prompt;
  }
  return { ok: true, request };
}
