/**
 * CosyVoice's system voices for model cosyvoice-v2: the "cosyvoice-v2音色列表" table of the DashScope
 * SDK document (seeds/004; docs/providers/cosyvoice.md, "Voices"), in its order, each row as
 * written: 适用场景 (scene), 音色 (name), 音色特质 (trait), voice参数 (id), 语言 (language), SSML,
 * 权限要求 (access: usable at once, or only after applying for it). `languages` is the language
 * column in BCP 47: 中 → zh, 英 → en, 中(粤语) → yue, 英式英文 → en-GB, 美式英文 → en-US, 日语 → ja,
 * 韩语 → ko (中(东北), Northeastern Mandarin, has no subtag of its own: zh). The document says v2
 * models need v2 voices and links the v1 list without giving it, so only cosyvoice-v2 is listed.
 */
export const COSYVOICE_V2_MODEL = 'cosyvoice-v2';

export interface CosyVoiceTableVoice {
  id: string;
  name: string;
  trait: string;
  scene: string;
  /** The 语言 column as written. */
  language: string;
  languages: readonly string[];
  /** The table's SSML column (✅ / ❌). */
  ssml: boolean;
  /** ✅可直接使用 (direct) or ⚠️ apply through a contact or a ticket first (on-request). */
  access: 'direct' | 'on-request';
}

// prettier-ignore
export const COSYVOICE_V2_TABLE: readonly CosyVoiceTableVoice[] = [
  { id: 'longhuohuo', name: '龙火火', trait: '桀骜不驯男童', scene: '童声(标杆音色)', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'on-request' },
  { id: 'longhuhu', name: '龙呼呼', trait: '天真烂漫女童', scene: '童声(标杆音色)', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'on-request' },
  { id: 'longchuanshu', name: '龙川叔', trait: '油腻搞笑叔', scene: '方言(标杆音色)', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'on-request' },
  { id: 'longanpei', name: '龙安培', trait: '青少年教师女', scene: '消费电子-教育培训', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'on-request' },
  { id: 'longwangwang', name: '龙汪汪', trait: '台湾少年音', scene: '消费电子-儿童陪伴', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'on-request' },
  { id: 'longpaopao', name: '龙泡泡', trait: '飞天泡泡音', scene: '消费电子-儿童陪伴', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'on-request' },
  { id: 'longshanshan', name: '龙闪闪', trait: '戏剧化童声', scene: '消费电子-儿童有声书', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'on-request' },
  { id: 'longniuniu', name: '龙牛牛', trait: '阳光男童声', scene: '消费电子-儿童有声书', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'on-request' },
  { id: 'longdaiyu', name: '龙黛玉', trait: '娇率才女音', scene: '短视频配音', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'on-request' },
  { id: 'longgaoseng', name: '龙高僧', trait: '得道高僧音', scene: '短视频配音', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'on-request' },
  { id: 'longyingmu', name: '龙应沐', trait: '优雅知性女', scene: '客服', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'on-request' },
  { id: 'longyingxun', name: '龙应询', trait: '年轻青涩男', scene: '客服', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'on-request' },
  { id: 'longyingcui', name: '龙应催', trait: '严肃催收男', scene: '客服', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'direct' },
  { id: 'longyingda', name: '龙应答', trait: '开朗高音女', scene: '客服', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'direct' },
  { id: 'longyingjing', name: '龙应静', trait: '低调冷静女', scene: '客服', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'direct' },
  { id: 'longyingyan', name: '龙应严', trait: '义正严辞女', scene: '客服', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'direct' },
  { id: 'longyingtian', name: '龙应甜', trait: '温柔甜美女', scene: '客服', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'direct' },
  { id: 'longyingbing', name: '龙应冰', trait: '尖锐强势女', scene: '客服', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'direct' },
  { id: 'longyingtao', name: '龙应桃', trait: '温柔淡定女', scene: '客服', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'direct' },
  { id: 'longyingling', name: '龙应聆', trait: '温和共情女', scene: '客服', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'direct' },
  { id: 'longyumi_v2', name: 'YUMI', trait: '正经青年女', scene: '语音助手', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'direct' },
  { id: 'longxiaochun_v2', name: '龙小淳', trait: '知性积极女', scene: '语音助手', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'direct' },
  { id: 'longxiaoxia_v2', name: '龙小夏', trait: '沉稳权威女', scene: '语音助手', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'direct' },
  { id: 'longanran', name: '龙安燃', trait: '活泼质感女', scene: '直播带货', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'direct' },
  { id: 'longanxuan', name: '龙安宣', trait: '经典直播女', scene: '直播带货', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'direct' },
  { id: 'longanchong', name: '龙安冲', trait: '激情推销男', scene: '直播带货', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'on-request' },
  { id: 'longanping', name: '龙安萍', trait: '高亢直播女', scene: '直播带货', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'on-request' },
  { id: 'longbaizhi', name: '龙白芷', trait: '睿气旁白女', scene: '有声书', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'on-request' },
  { id: 'longsanshu', name: '龙三叔', trait: '沉稳质感男', scene: '有声书', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'direct' },
  { id: 'longxiu_v2', name: '龙修', trait: '博才说书男', scene: '有声书', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'direct' },
  { id: 'longmiao_v2', name: '龙妙', trait: '抑扬顿挫女', scene: '有声书', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'direct' },
  { id: 'longyue_v2', name: '龙悦', trait: '温暖磁性女', scene: '有声书', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'direct' },
  { id: 'longnan_v2', name: '龙楠', trait: '睿智青年男', scene: '有声书', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'direct' },
  { id: 'longyuan_v2', name: '龙媛', trait: '温暖治愈女', scene: '有声书', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'direct' },
  { id: 'longanrou', name: '龙安柔', trait: '温柔闺蜜女', scene: '社交陪伴', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'direct' },
  { id: 'longqiang_v2', name: '龙嫱', trait: '浪漫风情女', scene: '社交陪伴', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'direct' },
  { id: 'longhan_v2', name: '龙寒', trait: '温暖痴情男', scene: '社交陪伴', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'direct' },
  { id: 'longxing_v2', name: '龙星', trait: '温婉邻家女', scene: '社交陪伴', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'direct' },
  { id: 'longhua_v2', name: '龙华', trait: '元气甜美女', scene: '社交陪伴', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'direct' },
  { id: 'longwan_v2', name: '龙婉', trait: '积极知性女', scene: '社交陪伴', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'direct' },
  { id: 'longcheng_v2', name: '龙橙', trait: '智慧青年男', scene: '社交陪伴', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'direct' },
  { id: 'longfeifei_v2', name: '龙菲菲', trait: '甜美娇气女', scene: '社交陪伴', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'direct' },
  { id: 'longxiaocheng_v2', name: '龙小诚', trait: '磁性低音男', scene: '社交陪伴', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'direct' },
  { id: 'longzhe_v2', name: '龙哲', trait: '呆板大暖男', scene: '社交陪伴', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'direct' },
  { id: 'longyan_v2', name: '龙颜', trait: '温暖春风女', scene: '社交陪伴', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'direct' },
  { id: 'longtian_v2', name: '龙天', trait: '磁性理智男', scene: '社交陪伴', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'direct' },
  { id: 'longze_v2', name: '龙泽', trait: '温暖元气男', scene: '社交陪伴', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'direct' },
  { id: 'longshao_v2', name: '龙邵', trait: '积极向上男', scene: '社交陪伴', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'direct' },
  { id: 'longhao_v2', name: '龙浩', trait: '多情忧郁男', scene: '社交陪伴', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'direct' },
  { id: 'kabuleshen_v2', name: '龙深', trait: '实力歌手男', scene: '社交陪伴', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'direct' },
  { id: 'longjielidou_v2', name: '龙杰力豆', trait: '阳光顽皮男', scene: '童声', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'direct' },
  { id: 'longling_v2', name: '龙铃', trait: '稚气呆板女', scene: '童声', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'direct' },
  { id: 'longke_v2', name: '龙可', trait: '懵懂乖乖女', scene: '童声', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'direct' },
  { id: 'longxian_v2', name: '龙仙', trait: '豪放可爱女', scene: '童声', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'direct' },
  { id: 'longlaotie_v2', name: '龙老铁', trait: '东北直率男', scene: '方言', language: '中(东北)、英', languages: ['zh', 'en'], ssml: true, access: 'direct' },
  { id: 'longjiayi_v2', name: '龙嘉怡', trait: '知性粤语女', scene: '方言', language: '中(粤语)、英', languages: ['yue', 'en'], ssml: true, access: 'direct' },
  { id: 'longtao_v2', name: '龙桃', trait: '积极粤语女', scene: '方言', language: '中(粤语)、英', languages: ['yue', 'en'], ssml: true, access: 'direct' },
  { id: 'longfei_v2', name: '龙飞', trait: '热血磁性男', scene: '诗词朗诵', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'direct' },
  { id: 'libai_v2', name: '李白', trait: '古代诗仙男', scene: '诗词朗诵', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'direct' },
  { id: 'longjin_v2', name: '龙津', trait: '优雅温润男', scene: '诗词朗诵', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'direct' },
  { id: 'longshu_v2', name: '龙书', trait: '沉稳青年男', scene: '新闻播报', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'direct' },
  { id: 'loongbella_v2', name: 'Bella2.0', trait: '精准干练女', scene: '新闻播报', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'direct' },
  { id: 'longshuo_v2', name: '龙硕', trait: '博才干练男', scene: '新闻播报', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'direct' },
  { id: 'longxiaobai_v2', name: '龙小白', trait: '沉稳播报女', scene: '新闻播报', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'direct' },
  { id: 'longjing_v2', name: '龙婧', trait: '典型播音女', scene: '新闻播报', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'direct' },
  { id: 'loongstella_v2', name: 'loongstella', trait: '飒爽利落女', scene: '新闻播报', language: '中、英', languages: ['zh', 'en'], ssml: true, access: 'direct' },
  { id: 'loongeva_v2', name: 'loongeva', trait: '知性英文女', scene: '出海营销', language: '英式英文', languages: ['en-GB'], ssml: false, access: 'direct' },
  { id: 'loongbrian_v2', name: 'loongbrian', trait: '沉稳英文男', scene: '出海营销', language: '英式英文', languages: ['en-GB'], ssml: false, access: 'direct' },
  { id: 'loongluna_v2', name: 'loongluna', trait: '英式英文女', scene: '出海营销', language: '英式英文', languages: ['en-GB'], ssml: false, access: 'direct' },
  { id: 'loongluca_v2', name: 'loongluca', trait: '英式英文男', scene: '出海营销', language: '英式英文', languages: ['en-GB'], ssml: false, access: 'direct' },
  { id: 'loongemily_v2', name: 'loongemily', trait: '英式英文女', scene: '出海营销', language: '英式英文', languages: ['en-GB'], ssml: false, access: 'direct' },
  { id: 'loongeric_v2', name: 'loongeric', trait: '英式英文男', scene: '出海营销', language: '英式英文', languages: ['en-GB'], ssml: false, access: 'direct' },
  { id: 'loongabby_v2', name: 'loongabby', trait: '美式英文女', scene: '出海营销', language: '美式英文', languages: ['en-US'], ssml: false, access: 'direct' },
  { id: 'loongannie_v2', name: 'loongannie', trait: '美式英文女', scene: '出海营销', language: '美式英文', languages: ['en-US'], ssml: false, access: 'direct' },
  { id: 'loongandy_v2', name: 'loongandy', trait: '美式英文男', scene: '出海营销', language: '美式英文', languages: ['en-US'], ssml: false, access: 'direct' },
  { id: 'loongava_v2', name: 'loongava', trait: '美式英文女', scene: '出海营销', language: '美式英文', languages: ['en-US'], ssml: false, access: 'direct' },
  { id: 'loongbeth_v2', name: 'loongbeth', trait: '美式英文女', scene: '出海营销', language: '美式英文', languages: ['en-US'], ssml: false, access: 'direct' },
  { id: 'loongbetty_v2', name: 'loongbetty', trait: '美式英文女', scene: '出海营销', language: '美式英文', languages: ['en-US'], ssml: false, access: 'direct' },
  { id: 'loongcindy_v2', name: 'loongcindy', trait: '美式英文女', scene: '出海营销', language: '美式英文', languages: ['en-US'], ssml: false, access: 'direct' },
  { id: 'loongcally_v2', name: 'loongcally', trait: '美式英文女', scene: '出海营销', language: '美式英文', languages: ['en-US'], ssml: false, access: 'direct' },
  { id: 'loongdavid_v2', name: 'loongdavid', trait: '美式英文男', scene: '出海营销', language: '美式英文', languages: ['en-US'], ssml: false, access: 'direct' },
  { id: 'loongdonna_v2', name: 'loongdonna', trait: '美式英文女', scene: '出海营销', language: '美式英文', languages: ['en-US'], ssml: false, access: 'direct' },
  { id: 'loongkyong_v2', name: 'loongkyong', trait: '韩语女', scene: '出海营销', language: '韩语', languages: ['ko'], ssml: false, access: 'direct' },
  { id: 'loongtomoka_v2', name: 'loongtomoka', trait: '日语女', scene: '出海营销', language: '日语', languages: ['ja'], ssml: false, access: 'direct' },
  { id: 'loongtomoya_v2', name: 'loongtomoya', trait: '日语男', scene: '出海营销', language: '日语', languages: ['ja'], ssml: false, access: 'direct' },
];

export const COSYVOICE_V2_VOICES: readonly string[] = COSYVOICE_V2_TABLE.map((voice) => voice.id);

/**
 * A voice made by DashScope's voice cloning (声音复刻, which the SDK document mentions): the enrollment
 * API names it `cosyvoice-<prefix>-<random>` (cosyvoice-v2: `cosyvoice-v2-<prefix>-<random>`), per
 * DashScope's cloning API page; no system voice starts with `cosyvoice-`.
 */
export function isClonedCosyVoice(voice: string): boolean {
  return /^cosyvoice-[A-Za-z0-9-]+$/.test(voice);
}
