/**
 * SenseNova speech fusion v2's voices: the "voice 可选音色" table of its documentation ("语音合成-音色融合v2",
 * see docs/providers/sensenova.md), in the document's order. The document gives no form for cloned
 * voices: those pass through CUSTOM_VOICES.
 */
export const SENSENOVA_VOICES: readonly string[] = [
  'child_reqing', 'man_zhengqi', 'man_weiyan', 'guy_qingshuang', 'guy_wenrun', 'male_shenqing',
  'male_miantian', 'woman_daihuo', 'female_chunzhen', 'female_jiaomei', 'woman_fengyun', 'man_qiangyu',
  'guy_shizun', 'guy_nangong', 'female_taimei', 'guy_guimi', 'female_shumei', 'man_nuanren',
  'guy_naigou1', 'guy_xingui', 'female_sajiao', 'female_diantai', 'female_diantai_b', 'female_jiejie',
  'female_jiejie_a', 'female_jiejie_b', 'girl_banxia', 'girl_banxia_a', 'man_cucao', 'guy_xingui_b',
  'guy_qiangai', 'guy_shengse', 'female_jiaonv_a', 'female_ruanmei_a', 'oldman_zhangzhe', 'woman_xiuse',
];
