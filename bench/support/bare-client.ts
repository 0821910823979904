/**
 * The provider client alone against a simulator, no queue: REQUESTS calls of the numbered book's
 * sentences through CONCURRENCY loops, each call made when the one before it in its loop has
 * been read to its end. What HTTP and the simulator cost per call on this machine, measured
 * the way the pipeline's workers call (another process, pcm at 8 kHz). Prints one JSON line:
 * the wall time and the mean and median call.
 *
 *   node --import tsx bench/support/bare-client.ts URL API_KEY REQUESTS CONCURRENCY
 */
import { resolveRenderOptions } from '../../src/producer/render-options.ts';
import { SenseAudioClient } from '../../src/providers/senseaudio/client.ts';
import { senseAudioDefinition } from '../../src/providers/senseaudio/definition.ts';

const [url = '', apiKey = '', requestsArg = '0', concurrencyArg = '0'] = process.argv.slice(2);
const requests = Number(requestsArg);
const concurrency = Number(concurrencyArg);
const client = new SenseAudioClient({ apiKey, baseUrl: url });
const options = resolveRenderOptions(senseAudioDefinition, { format: 'pcm', sampleRate: 8000, channels: 1 });
const calls: number[] = [];
let next = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < requests) {
      next += 1;
      const text = `The bell rang ${next} times before the harbour woke.`;
      const call = performance.now();
      const audio = client.synthesize({
        text,
        voice: options.voice,
        model: options.model,
        audio: options.audio,
        voiceSettings: options.voiceSettings,
      });
      for await (const chunk of audio) if (chunk.byteLength === 0) throw new Error('an empty chunk');
      calls.push(performance.now() - call);
    }
  }),
);
const wallMs = performance.now() - started;
await client.close();
calls.sort((a, b) => a - b);
const meanCallMs = calls.reduce((sum, ms) => sum + ms, 0) / calls.length;
console.log(JSON.stringify({ calls: calls.length, wallMs, meanCallMs, medianCallMs: calls[calls.length >> 1] ?? 0 }));
