import { seededRandom } from './seeded-random.ts';
/**
 * A deterministic mixed Chinese/English "book" for tests and benchmarks: chapter headings in
 * several styles (`# Part One`, `第三章 …`, `Chapter 2: …`, `Chapter 4 …`), paragraphs of
 * sentences with both punctuation sets, a few `<break time=300>` pause tags and some emoji
 * (including ZWJ sequences, flags and skin tones). Original sentences, recombined by a seeded
 * PRNG: the same arguments always give the same text.
 */

const ZH_SENTENCES = [
  '清晨的雾还没有散开，码头上已经挤满了等船的人。',
  '她把旧地图摊在桌上，用铅笔圈出了三个地方。',
  '“你真的要一个人去吗？”老陈低声问道。',
  '雨下了整整一夜，屋檐下的水缸早就满了。',
  '火车在山谷里转了一个弯，窗外忽然亮了起来！',
  '他没有回答，只是把那封信又读了一遍。',
  '集市上卖糖画的老人，今天没有来。',
  '我们约好在桥头见面，可是谁也没有等到谁……',
  '灯塔的光一圈一圈地扫过海面，像是在数着什么。',
  '她笑了笑：“明天的事，明天再说吧。”',
  '那年冬天特别冷，河面结了厚厚的一层冰。',
  '孩子们围着篝火，听外婆讲山里的故事。',
  '书架最上层有一本蓝色封面的日记，没有人敢碰它。',
  '风从北边吹来，带着一股松木和泥土的气味。',
  '“快走！”他一把拉住她的手，向巷子深处跑去。',
  '钟声响了七下，院子里顿时安静下来。',
  '他在笔记本上写道：第一，找到钥匙；第二，别告诉任何人。',
  '路边的小店还亮着灯，老板正在擦拭柜台。',
  '这座城市的每一条街，她都曾经走过。',
  '远处传来几声狗叫，又很快被风吞没了。',
  '他们把船推进水里，月亮刚好从云后面露出来。',
  '为什么偏偏是今天？她在心里问自己。',
  '信封上没有署名，只画着一只小小的燕子。',
  '茶已经凉了，可谁也没有起身去添水。',
  '山路很窄，一边是峭壁，一边是看不见底的深谷。',
  '第二天早上，消息就传遍了整个村子。',
  '她数了数口袋里的硬币，刚好够买一张车票。',
  '院墙上的爬山虎，一夜之间红透了。',
  '“别怕，”他说，“我们很快就到了。”',
  '列车员喊了一声，站台上的人群开始慢慢移动。',
];

const EN_SENTENCES = [
  'The harbour was still wrapped in fog when the first boat came in.',
  'She spread the old map across the table and circled three places in pencil.',
  '"Are you really going alone?" the old man asked quietly.',
  'It rained all night, and by morning the gutters were overflowing.',
  'The train rounded a bend in the valley, and suddenly the windows filled with light!',
  'He did not answer; he simply read the letter one more time.',
  'Dr. Lin arrived at 7.30 a.m., exactly as she had promised.',
  'We agreed to meet at the bridge, but neither of us waited long enough...',
  'The lighthouse swept the water in slow circles, as if it were counting something.',
  'She smiled. "Tomorrow can take care of itself."',
  'That winter was the coldest anyone could remember.',
  'The children sat around the fire, listening to stories about the mountains.',
  'On the top shelf sat a blue notebook that nobody dared to touch.',
  'A wind came down from the north, smelling of pine and wet earth.',
  '"Run!" he shouted, pulling her into the narrow lane.',
  'The bell struck seven, and the courtyard fell silent.',
  'He wrote in his notebook: first, find the key; second, tell no one.',
  'The corner shop was still lit, and the owner was wiping down the counter.',
  'She had walked every street of this city at least once.',
  'Somewhere a dog barked, e.g. the one from the farm, and then the wind swallowed the sound.',
  'They pushed the boat into the water just as the moon came out.',
  'Why today, of all days? she asked herself.',
  'The envelope carried no name, only a small drawing of a swallow.',
  'The tea had gone cold, yet no one got up to make more.',
  'The path was narrow (a cliff on one side, a drop on the other) and it was getting dark.',
  'By the next morning, the news had reached every house in the village.',
  'She counted the coins in her pocket: exactly enough for one ticket.',
  'The ivy on the garden wall had turned red overnight.',
  '"Don\'t be afraid," he said. "We are nearly there."',
  'The conductor called out, and the crowd on the platform began to move.',
];

const ZH_TITLES = ['雾中码头', '旧地图', '雨夜', '山谷列车', '燕子的信', '冬天的河', '灯塔', '归来', '钥匙', '远行'];
const EN_TITLES = [
  'The Harbour',
  'An Old Map',
  'Rain',
  'The Valley Train',
  'A Letter',
  'The Frozen River',
  'Lighthouse',
  'Homecoming',
  'The Key',
  'Departure',
];
const PART_NAMES = ['One', 'Two', 'Three', 'Four', 'Five', 'Six', 'Seven', 'Eight', 'Nine', 'Ten'];
const EMOJI = ['😀', '👨‍👩‍👧', '🇨🇳', '👍🏽', '❤️', '🌧️', '🚂', '🏳️‍🌈'];
const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** 1..99 in Chinese numerals (十二, 二十, 二十一); larger numbers stay in digits (第123章 is common too). */
function chineseNumber(n: number): string {
  if (n >= 100) return String(n);
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  const head = tens === 0 ? '' : tens === 1 ? '十' : `${DIGITS[tens]}十`;
  return head + (ones === 0 ? '' : (DIGITS[ones] ?? ''));
}

function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

export function makeSampleBook(targetChars: number, seed = 1): string {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const blocks: string[] = [];
  let size = 0;
  const push = (block: string): void => {
    blocks.push(block);
    size += codePoints(block) + 2;
  };

  const sentence = (language: 'zh' | 'en'): string => {
    let text = pick(language === 'zh' ? ZH_SENTENCES : EN_SENTENCES);
    if (random() < 0.04) text += pick(EMOJI);
    return text;
  };
  const paragraph = (): string => {
    const roll = random();
    const language = roll < 0.5 ? 'zh' : roll < 0.85 ? 'en' : 'mixed';
    const count = 2 + Math.floor(random() * 6);
    let text = '';
    for (let i = 0; i < count; i += 1) {
      const lang = language === 'mixed' ? (random() < 0.5 ? 'zh' : 'en') : language;
      const next = sentence(lang);
      const joiner = text === '' ? '' : random() < 0.05 ? '<break time=300>' : lang === 'en' || /[a-z.!?"]$/i.test(text) ? ' ' : '';
      text += joiner + next;
    }
    return text;
  };

  let chapter = 0;
  while (size < targetChars) {
    if (chapter % 6 === 0) push(`# Part ${PART_NAMES[(chapter / 6) % PART_NAMES.length] ?? 'One'}`);
    chapter += 1;
    const style = chapter % 3;
    if (style === 1) push(`第${chineseNumber(chapter)}章 ${pick(ZH_TITLES)}`);
    else if (style === 2) push(`Chapter ${chapter}: ${pick(EN_TITLES)}`);
    else push(`Chapter ${chapter} ${pick(EN_TITLES)}`);
    const paragraphs = 4 + Math.floor(random() * 7);
    for (let i = 0; i < paragraphs && size < targetChars; i += 1) push(paragraph());
  }
  return `${blocks.join('\n\n')}\n`;
}

/**
 * `book` with its blank lines made single line breaks: no paragraph ends, so segments pack
 * several paragraphs up to the provider's target, as they did before issue 11 cut at every
 * paragraph. For pipeline tests about faults and billing, which count one provider call per
 * segment text: the sample book's short paragraphs repeat, and two segments with one text share
 * one cache key.
 */
export function withoutParagraphBreaks(book: string): string {
  return book.replace(/\n[ \t]*\n[\n \t]*/gu, '\n');
}
