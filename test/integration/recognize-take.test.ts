import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AudioFormatError } from '../../src/errors/audio-format-error.ts';
import { ConfigError } from '../../src/errors/config-error.ts';
import { RecognizerError } from '../../src/errors/recognizer-error.ts';
import { recognizeTake, splitCommand } from '../../src/verify/recognize-take.ts';
import { scoreTranscript } from '../../src/verify/transcript-score.ts';

const FAKE = fileURLToPath(new URL('../fixtures/asr/fake-asr.sh', import.meta.url));
const POCKETSPHINX = fileURLToPath(new URL('../../scripts/asr/pocketsphinx-words', import.meta.url));
const pocketsphinxInstalled =
  spawnSync('sh', ['-c', 'command -v pocketsphinx_continuous'], { stdio: 'ignore' }).status === 0 &&
  existsSync('/usr/share/pocketsphinx/model/en-us/en-us.lm.bin');

let dir: string;
/** The recognizer's temp folders go here, so each test can see that none is left. */
let scratch: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ttsb-asr-test-'));
  scratch = join(dir, 'scratch');
  execFileSync('mkdir', [scratch]);
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A 1 s 440 Hz tone in the given form, made by ffmpeg. */
function tone(name: string, args: readonly string[]): string {
  const path = join(dir, name);
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=f=440:r=44100:d=1', ...args, '-y', path]);
  return path;
}

/** Running, not gone and not a zombie waiting for init to reap it (Linux /proc). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

describe('recognizeTake', () => {
  it('hands the command a 16 kHz mono s16 WAV made from an MP3, a WAV or raw pcm', async () => {
    const takes = [
      { path: tone('take.mp3', ['-ac', '2', '-b:a', '128k']) },
      { path: tone('take.wav', ['-ac', '2', '-ar', '48000']) },
      {
        path: tone('take.pcm', ['-ac', '2', '-ar', '24000', '-f', 's16le']),
        audio: { format: 'pcm', sampleRate: 24_000, channels: 2 } as const,
      },
    ];
    for (const take of takes) {
      const heard = await recognizeTake(take.path, { command: `${FAKE} probe`, timeoutMs: 10_000, audio: take.audio, tempDir: scratch });
      expect(heard).toBe('magic RIFF channels=1 codec_name=pcm_s16le sample_rate=16000');
    }
    expect(await readdir(scratch)).toEqual([]);
  });

  it('returns what the command prints, on one line, which the scorer reads', async () => {
    const sidecar = join(dir, 'heard.txt');
    await writeFile(sidecar, '  in nineteen ninety nine\nthe village had\n\nforty two houses \n');
    const heard = await recognizeTake(tone('take.wav', []), { command: [FAKE, 'say', sidecar], timeoutMs: 10_000, tempDir: scratch });
    expect(heard).toBe('in nineteen ninety nine the village had forty two houses');
    expect(scoreTranscript('In 1999 the village had 42 houses.', heard).similarity).toBe(1);
  });

  it('sets TMPDIR to its temp folder and removes it afterwards', async () => {
    const heard = await recognizeTake(tone('take.wav', []), { command: `${FAKE} temp`, timeoutMs: 10_000, tempDir: scratch });
    expect(heard.startsWith(join(scratch, 'tts-batch-asr-'))).toBe(true);
    expect(existsSync(heard)).toBe(false);
  });

  it('fails a command that exits non-zero with a RecognizerError carrying its stderr', async () => {
    const error = await recognizeTake(tone('take.wav', []), { command: `${FAKE} fail`, timeoutMs: 10_000, tempDir: scratch }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RecognizerError);
    const failure = (error as RecognizerError).failure;
    expect(failure).toMatchObject({
      kind: 'exit',
      program: FAKE,
      exitCode: 2,
      stderrTail: 'loading the model failed | model not found: /nope/en-us',
    });
    expect((error as RecognizerError).message).toContain('exited with code 2: loading the model failed | model not found: /nope/en-us');
    expect((error as RecognizerError).retryable).toBe(false);
    expect(await readdir(scratch)).toEqual([]);
  });

  it('fails a command that is not there with a RecognizerError of kind start', async () => {
    const error = await recognizeTake(tone('take.wav', []), {
      command: join(dir, 'no-such-asr'),
      timeoutMs: 10_000,
      tempDir: scratch,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecognizerError);
    expect((error as RecognizerError).failure.kind).toBe('start');
    expect((error as RecognizerError).message).toContain('was not found');
    expect(await readdir(scratch)).toEqual([]);
  });

  it('kills a command past its timeout, its children with it, and says it timed out (retryable)', async () => {
    const pidFile = join(dir, 'grandchild.pid');
    const error = await recognizeTake(tone('take.wav', []), { command: [FAKE, 'hang', pidFile], timeoutMs: 500, tempDir: scratch }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RecognizerError);
    expect((error as RecognizerError).failure.kind).toBe('timeout');
    expect((error as RecognizerError).retryable).toBe(true);
    const grandchild = Number(await readFile(pidFile, 'utf8'));
    expect(grandchild).toBeGreaterThan(0);
    expect(alive(grandchild)).toBe(false);
    expect(await readdir(scratch)).toEqual([]);
  });

  it('honours an abort: the command is killed and the abort reason thrown', async () => {
    const pidFile = join(dir, 'grandchild.pid');
    const controller = new AbortController();
    const run = recognizeTake(tone('take.wav', []), {
      command: [FAKE, 'hang', pidFile],
      timeoutMs: 60_000,
      signal: controller.signal,
      tempDir: scratch,
    });
    // Abort once the recognizer is running: its grandchild has written its pid.
    while (!existsSync(pidFile) || (await readFile(pidFile, 'utf8')).trim() === '') {
      await new Promise((resolve) => setImmediate(resolve));
    }
    const grandchild = Number(await readFile(pidFile, 'utf8'));
    expect(alive(grandchild)).toBe(true);
    const reason = new Error('render cancelled');
    controller.abort(reason);
    await expect(run).rejects.toBe(reason);
    expect(alive(grandchild)).toBe(false);
    expect(await readdir(scratch)).toEqual([]);
  });

  it('blames the take when ffmpeg cannot decode it', async () => {
    const junk = join(dir, 'junk.mp3');
    await writeFile(junk, 'not audio at all');
    const error = await recognizeTake(junk, { command: `${FAKE} probe`, timeoutMs: 10_000, tempDir: scratch }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AudioFormatError);
    expect(await readdir(scratch)).toEqual([]);
  });

  it.skipIf(!pocketsphinxInstalled)(
    'runs the pocketsphinx adapter on espeak-ng speech (skipped without pocketsphinx: scripts/install-pocketsphinx.sh)',
    async () => {
      const text = 'Please call me back when you get home tonight. I have something important to tell you.';
      const speech = join(dir, 'speech.wav');
      execFileSync('espeak-ng', ['-v', 'en-us', '-w', speech, text]);
      const heard = await recognizeTake(speech, { command: POCKETSPHINX, timeoutMs: 60_000, tempDir: scratch });
      expect(scoreTranscript(text, heard).similarity).toBeGreaterThan(0.5);
      expect(await readdir(scratch)).toEqual([]);
    },
  );
});

describe('splitCommand', () => {
  it('splits like a shell: blanks, quotes, backslashes', () => {
    expect(splitCommand('  asr --model "/opt/my models/en" \'a b\'  c\\ d "q\\"x" e""f ')).toEqual([
      'asr',
      '--model',
      '/opt/my models/en',
      'a b',
      'c d',
      'q"x',
      'ef',
    ]);
    expect(splitCommand("asr ''")).toEqual(['asr', '']);
  });

  it('refuses an empty command or an unclosed quote', () => {
    expect(() => splitCommand('   ')).toThrow(ConfigError);
    expect(() => splitCommand('asr "oops')).toThrow(/unclosed " quote/);
    expect(() => splitCommand('asr \\')).toThrow(/lone backslash/);
  });
});
