import type { VoiceList } from '../voice-list.ts';

/**
 * SenseNova speech fusion v2's voices: the "voice 可选音色" table of its documentation ("语音合成-音色融合v2",
 * see docs/providers/sensenova.md), id and name, in the document's order. The document gives no
 * form for cloned voices: those pass through CUSTOM_VOICES.
 */
const SENSENOVA_VOICE_TABLE: readonly (readonly [id: string, description: string])[] = [
  ['child_reqing', '热情孩童'],
  ['man_zhengqi', '正气中年'],
  ['man_weiyan', '威严霸总'],
  ['guy_qingshuang', '清爽帅哥'],
  ['guy_wenrun', '温润暖男'],
  ['male_shenqing', '深情男友'],
  ['male_miantian', '腼腆男友'],
  ['woman_daihuo', '带货女神'],
  ['female_chunzhen', '纯真少女'],
  ['female_jiaomei', '娇媚女友'],
  ['woman_fengyun', '风韵少妇'],
  ['man_qiangyu', '强欲霸总'],
  ['guy_shizun', '清冷师尊'],
  ['guy_nangong', '挚爱男攻'],
  ['female_taimei', '甜甜台妹'],
  ['guy_guimi', '男性闺蜜'],
  ['female_shumei', '熟媚女神'],
  ['man_nuanren', '暖人青叔'],
  ['guy_naigou1', '贴心奶狗'],
  ['guy_xingui', '冷御新贵'],
  ['female_sajiao', '撒娇甜妹'],
  ['female_diantai', '电台女声'],
  ['female_diantai_b', '娇俏小妹'],
  ['female_jiejie', '明魅御姐'],
  ['female_jiejie_a', '爱欲女王'],
  ['female_jiejie_b', '柔情女王'],
  ['girl_banxia', '娇怜软妹'],
  ['girl_banxia_a', '破碎少女'],
  ['man_cucao', '冷面硬汉'],
  ['guy_xingui_b', '深情病娇'],
  ['guy_qiangai', '强爱病娇'],
  ['guy_shengse', '生涩奶狗'],
  ['female_jiaonv_a', '羞婉娇女'],
  ['female_ruanmei_a', '俏萌软妹'],
  ['oldman_zhangzhe', '威严长者'],
  ['woman_xiuse', '羞涩御姐'],
];

export const SENSENOVA_VOICES: readonly string[] = SENSENOVA_VOICE_TABLE.map(([id]) => id);

/**
 * The table as `tts-batch voices` lists it. Languages: the document says the input may be Chinese
 * or English (language ZH or EN) for every voice. Blendable: all of them, up to 4 in timbre_weights
 * (the table has a "是否支持融合" column, blank in the copy of the page we hold, and the text puts
 * no voice outside blending).
 */
export const SENSENOVA_VOICE_LIST: VoiceList = {
  voices: SENSENOVA_VOICE_TABLE.map(([id, description]) => ({ id, description, languages: ['zh', 'en'], blendable: true })),
  source: 'SenseNova speech fusion v2 documentation, voice table (blend up to 4 with --blend)',
  complete: true,
  otherVoices: 'a cloned or custom voice of your account passes when listed in CUSTOM_VOICES',
};
