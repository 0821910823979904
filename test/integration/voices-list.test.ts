import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderVoices } from '../../src/providers/list-voices.ts';
import type { ProviderDefinition } from '../../src/providers/provider-definition.ts';
import { PROVIDERS } from '../../src/providers/registry.ts';
import { senseAudioDefinition } from '../../src/providers/senseaudio/definition.ts';
import type { AppConfig } from '../../src/runtime/app-config.ts';
import { runCli } from '../support/run-cli.ts';
import { deletePrefix, testConfig } from '../support/test-config.ts';
import { API_TOKEN, startApi, type ApiHarness } from './api-harness.ts';

/** Issue 10 item 7: `tts-batch voices [provider]` and GET /v1/voices list each provider's documented voices. */
describe('tts-batch voices', () => {
  it('prints a header per provider (source and complete, or "no documented list"), its voices and the rule for others', async () => {
    const result = await runCli(['voices'], {});
    expect(result.code, result.stderr).toBe(0);
    const headers = result.stdout.split('\n').filter((line) => /^\S/.test(line));
    expect(headers.map((line) => line.split(':')[0])).toEqual([...PROVIDERS.keys()]);
    for (const header of headers) expect(header).toMatch(/: (\d+ voices? from .+; complete: (yes|no, .+)|no documented list)$/);
    expect(result.stdout).toContain('senseaudio: 1 voice from SenseAudio TTS documentation: one example id only');
    expect(result.stdout).toMatch(/complete: no, the documents name only these\n {2}male_0004_a {2}/);
    expect(result.stdout).toMatch(/\n {2}guy_wenrun +温润暖男 +zh,en {2}blend\n/);
    expect(result.stdout).toMatch(/sensenova: 36 voices from .*; complete: yes/);
    expect(result.stdout).toMatch(/ai302: 0 voices from .*; complete: yes\n {2}other voices: the voice is cloned from reference audio/);
    expect(result.stdout).toContain('other voices: a cloned or custom voice of your account passes when listed in CUSTOM_VOICES');
  });

  it("lists espeak-ng's installed catalog", async () => {
    const result = await runCli(['voices', 'espeak'], {});
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^espeak: \d{2,} voices from the installed espeak-ng's catalog/);
    expect(result.stdout).toMatch(/\n {2}en-us +English \(America\) +en-us,en\n/);
    expect(result.stdout).toMatch(/\n {2}cmn +Chinese \(Mandarin, latin as English\) +cmn,zh-cmn,zh\n/);
  });

  it('--json prints what the API returns; an unknown provider is one line, exit 2', async () => {
    const json = await runCli(['voices', 'sensenova', '--json'], {});
    const parsed = JSON.parse(json.stdout) as { providers: ProviderVoices[] };
    expect(parsed.providers.map((answer) => answer.provider)).toEqual(['sensenova']);
    expect(parsed.providers[0]?.list?.voices[0]).toEqual({
      id: 'child_reqing',
      description: '热情孩童',
      languages: ['zh', 'en'],
      blendable: true,
    });
    const unknown = await runCli(['voices', 'nope'], {});
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim()).toMatch(/^tts-batch: provider: unknown provider "nope"; known: senseaudio, /);
  });
});

describe('GET /v1/voices', () => {
  let config: AppConfig;
  let api: ApiHarness;
  // A provider without voiceList, to show it is listed as such rather than left out.
  const plain: ProviderDefinition = { ...senseAudioDefinition, name: 'plain' };
  delete (plain as { voiceList?: unknown }).voiceList;

  beforeAll(async () => {
    config = testConfig({ API_TOKENS: API_TOKEN });
    api = await startApi(config, { providers: new Map([...PROVIDERS, ['plain', plain]]) });
  });
  afterAll(async () => {
    await api?.close();
    if (config) await deletePrefix(config.REDIS_URL, config.QUEUE_PREFIX);
  });

  it('needs the Bearer token', async () => {
    expect((await api.request('/v1/voices', { token: null })).status).toBe(401);
  });

  it('returns every provider, as the CLI prints them; one without a list has none', async () => {
    const response = await api.request('/v1/voices');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { providers: ProviderVoices[] };
    expect(body.providers.map((answer) => answer.provider)).toEqual([...PROVIDERS.keys(), 'plain']);
    const byName = new Map(body.providers.map((answer) => [answer.provider, answer]));
    expect(byName.get('plain')).toEqual({ provider: 'plain' });
    expect(byName.get('senseaudio')?.list).toMatchObject({ complete: false, voices: [{ id: 'male_0004_a', languages: ['zh'] }] });
    expect(byName.get('sensenova')?.list?.voices).toHaveLength(36);
    expect(byName.get('ai302')?.list).toMatchObject({ voices: [], complete: true });
    const cli = await runCli(['voices', 'senseaudio', '--json'], {});
    expect((JSON.parse(cli.stdout) as { providers: ProviderVoices[] }).providers).toEqual([byName.get('senseaudio')]);
  });

  it('?provider= narrows to one; an unknown one is a 400 naming provider', async () => {
    const one = (await (await api.request('/v1/voices?provider=ai302')).json()) as { providers: ProviderVoices[] };
    expect(one.providers.map((answer) => answer.provider)).toEqual(['ai302']);
    const unknown = await api.request('/v1/voices?provider=nope');
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ error: { code: 'INPUT_INVALID', field: 'provider' } });
  });
});
