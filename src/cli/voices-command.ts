import type { ProviderDefinition } from '../providers/provider-definition.ts';
import { listVoices, type ProviderVoices } from '../providers/list-voices.ts';
import { PROVIDERS, providerDefinition } from '../providers/registry.ts';
import type { VoiceInfo } from '../providers/voice-list.ts';
import type { AppConfig } from '../runtime/app-config.ts';

export interface VoicesCommandOptions {
  json?: boolean;
}

/**
 * `tts-batch voices [provider]`: each provider's documented voices, one per line (id, name,
 * languages, and `blend` / `ssml` marks), under a header naming the list's source and whether it
 * is complete, and followed by the rule for voices outside it. `--json` prints what GET /v1/voices
 * returns. Throws InputError for an unknown provider.
 */
export async function voicesCommand(provider: string | undefined, options: VoicesCommandOptions, config: AppConfig): Promise<number> {
  const definitions: ProviderDefinition[] = provider === undefined ? [...PROVIDERS.values()] : [providerDefinition(provider)];
  const answers = await listVoices(definitions, config);
  process.stdout.write(options.json === true ? `${JSON.stringify({ providers: answers }, null, 2)}\n` : formatVoices(answers));
  return 0;
}

/** The text form, blocks separated by a blank line. */
export function formatVoices(answers: readonly ProviderVoices[]): string {
  return answers.map(formatProvider).join('\n');
}

function formatProvider(answer: ProviderVoices): string {
  const { list } = answer;
  if (list === undefined) return `${answer.provider}: no documented list\n`;
  const count = `${list.voices.length} voice${list.voices.length === 1 ? '' : 's'}`;
  const complete = list.complete ? 'complete: yes' : 'complete: no, the documents name only these';
  const lines = [`${answer.provider}: ${count} from ${list.source}; ${complete}`];
  const idWidth = Math.max(0, ...list.voices.map((voice) => voice.id.length));
  const descriptionWidth = Math.max(0, ...list.voices.map((voice) => displayWidth(voice.description ?? '')));
  for (const voice of list.voices) lines.push(formatVoice(voice, idWidth, descriptionWidth));
  lines.push(`  other voices: ${list.otherVoices}`);
  return `${lines.join('\n')}\n`;
}

function formatVoice(voice: VoiceInfo, idWidth: number, descriptionWidth: number): string {
  const description = voice.description ?? '';
  const marks = [voice.blendable === true ? 'blend' : '', voice.ssml === true ? 'ssml' : ''].filter((mark) => mark !== '');
  const columns = [
    voice.id.padEnd(idWidth),
    description + ' '.repeat(descriptionWidth - displayWidth(description)),
    voice.languages.join(',') || '-',
    ...(voice.models === undefined ? [] : [`models ${voice.models.join(',')}`]),
    ...marks,
  ];
  return `  ${columns.join('  ').trimEnd()}`;
}

/** Terminal columns: East Asian wide characters take two, so names in Chinese still line up. */
function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303f\uff00-\uff60]/u.test(char) ? 2 : 1;
  return width;
}
