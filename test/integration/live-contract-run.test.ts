import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/run-cli.ts';
import { startSenseAudioSimulator, type SenseAudioSimulator } from '../simulators/senseaudio/server.ts';

interface LiveRun {
  code: number | null;
  output: string;
}

/**
 * `npm run test:live` in a child process with only PATH, HOME and `env`: no key of the machine
 * running this test reaches it, so it can only talk to the simulator below.
 */
function runLive(env: Record<string, string>): Promise<LiveRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '-s', 'test:live'], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (data: string) => (output += data));
    child.stderr.setEncoding('utf8').on('data', (data: string) => (output += data));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

const SKIP_LINES = [
  'sensenova: skipped, neither SENSENOVA_API_KEY nor SENSENOVA_ACCESS_KEY_ID + SENSENOVA_SECRET_ACCESS_KEY is set',
  'ai302: skipped, AI302_API_KEY is not set',
  'cosyvoice: skipped, DASHSCOPE_API_KEY is not set',
  'espeak: skipped, a local program: npm test already runs its contract against the installed espeak-ng',
];

describe('npm run test:live', () => {
  const key = 'sa-live-wiring-key-0f3a';
  let simulator: SenseAudioSimulator;
  beforeAll(async () => {
    simulator = await startSenseAudioSimulator({ apiKey: key, msPerChar: 200 });
  });
  afterAll(async () => {
    await simulator?.close();
  });

  it('skips every provider without its key, one line each saying why, and sends nothing', async () => {
    const run = await runLive({});
    expect(run.code, run.output).toBe(0);
    for (const line of [...SKIP_LINES, 'senseaudio: skipped, SENSEAUDIO_API_KEY is not set']) expect(run.output).toContain(line);
    expect(run.output).not.toMatch(/billed|sent, in 1 request/);
    expect(simulator.requests).toHaveLength(0);
  });

  it('runs the contract on a provider whose key is set, through its base-URL variable, billing one short sentence and saying so', async () => {
    const run = await runLive({ SENSEAUDIO_API_KEY: key, SENSEAUDIO_BASE_URL: simulator.url });
    expect(run.code, run.output).toBe(0);
    for (const line of SKIP_LINES) expect(run.output).toContain(line);
    expect(run.output).not.toContain('senseaudio: skipped');
    expect(run.output).toContain('provider contract: senseaudio (live)');
    // The faults a live service cannot be made to show are declared, not run; the auth check is.
    expect(run.output).toContain("declares why it has no 'rate-limit' fault");
    expect(run.output).toMatch(/✓ .*classifies an auth failure as fatal/);
    // One request with the real key (billed), one with a wrong key (refused before anything is spoken).
    const authorized = simulator.requests.filter((request) => request.authorized);
    expect(authorized).toHaveLength(1);
    expect(simulator.requests.filter((request) => !request.authorized)).toHaveLength(1);
    const spoken = authorized[0]?.text ?? '';
    expect([...spoken].length).toBeLessThanOrEqual(20);
    const billed = authorized[0]?.usageCharacters;
    expect(run.output).toContain(`senseaudio: billed ${billed} characters (the service's count; ${[...spoken].length} sent), in 1 request`);
    expect(run.output).not.toContain(key);
  });
});
