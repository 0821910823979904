/**
 * Which voices speak SSML, from the SDK page (seeds/004): only model cosyvoice-v2; of its table,
 * every voice but these, marked ❌ in the SSML column (the overseas-marketing English, Korean and
 * Japanese ones); never a cloned voice (FAQ: "声音复刻音色不支持SSML"), which DashScope names
 * `cosyvoice-…`. The simulator's own copy: it must not learn this from the client.
 */
const NOT_SSML = new Set([
  'loongeva_v2',
  'loongbrian_v2',
  'loongluna_v2',
  'loongluca_v2',
  'loongemily_v2',
  'loongeric_v2',
  'loongabby_v2',
  'loongannie_v2',
  'loongandy_v2',
  'loongava_v2',
  'loongbeth_v2',
  'loongbetty_v2',
  'loongcindy_v2',
  'loongcally_v2',
  'loongdavid_v2',
  'loongdonna_v2',
  'loongkyong_v2',
  'loongtomoka_v2',
  'loongtomoya_v2',
]);

export function voiceSpeaksSsml(model: string, voice: string): boolean {
  return model === 'cosyvoice-v2' && !NOT_SSML.has(voice) && !voice.startsWith('cosyvoice-');
}
