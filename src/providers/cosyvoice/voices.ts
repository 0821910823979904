/**
 * CosyVoice's system voices for model cosyvoice-v2: the "cosyvoice-v2音色列表" table of the DashScope
 * SDK document (see docs/providers/cosyvoice.md), in its order. The document says v2 models need v2
 * voices and links the v1 list without giving it, so only cosyvoice-v2 is checked.
 */
export const COSYVOICE_V2_MODEL = 'cosyvoice-v2';

export const COSYVOICE_V2_VOICES: readonly string[] = [
  'longhuohuo', 'longhuhu', 'longchuanshu', 'longanpei', 'longwangwang', 'longpaopao', 'longshanshan',
  'longniuniu', 'longdaiyu', 'longgaoseng', 'longyingmu', 'longyingxun', 'longyingcui', 'longyingda',
  'longyingjing', 'longyingyan', 'longyingtian', 'longyingbing', 'longyingtao', 'longyingling',
  'longyumi_v2', 'longxiaochun_v2', 'longxiaoxia_v2', 'longanran', 'longanxuan', 'longanchong',
  'longanping', 'longbaizhi', 'longsanshu', 'longxiu_v2', 'longmiao_v2', 'longyue_v2', 'longnan_v2',
  'longyuan_v2', 'longanrou', 'longqiang_v2', 'longhan_v2', 'longxing_v2', 'longhua_v2', 'longwan_v2',
  'longcheng_v2', 'longfeifei_v2', 'longxiaocheng_v2', 'longzhe_v2', 'longyan_v2', 'longtian_v2',
  'longze_v2', 'longshao_v2', 'longhao_v2', 'kabuleshen_v2', 'longjielidou_v2', 'longling_v2',
  'longke_v2', 'longxian_v2', 'longlaotie_v2', 'longjiayi_v2', 'longtao_v2', 'longfei_v2', 'libai_v2',
  'longjin_v2', 'longshu_v2', 'loongbella_v2', 'longshuo_v2', 'longxiaobai_v2', 'longjing_v2',
  'loongstella_v2', 'loongeva_v2', 'loongbrian_v2', 'loongluna_v2', 'loongluca_v2', 'loongemily_v2',
  'loongeric_v2', 'loongabby_v2', 'loongannie_v2', 'loongandy_v2', 'loongava_v2', 'loongbeth_v2',
  'loongbetty_v2', 'loongcindy_v2', 'loongcally_v2', 'loongdavid_v2', 'loongdonna_v2', 'loongkyong_v2',
  'loongtomoka_v2', 'loongtomoya_v2',
];

/**
 * A voice made by DashScope's voice cloning (声音复刻, which the SDK document mentions): the enrollment
 * API names it `cosyvoice-<prefix>-<random>` (cosyvoice-v2: `cosyvoice-v2-<prefix>-<random>`), per
 * DashScope's cloning API page; no system voice starts with `cosyvoice-`.
 */
export function isClonedCosyVoice(voice: string): boolean {
  return /^cosyvoice-[A-Za-z0-9-]+$/.test(voice);
}
