import { seededRandom } from './seeded-random.ts';

const WORDS = ['harbour', 'light', 'keeper', 'water', 'night', 'gull', 'stone', 'wind', 'rope', 'lamp', 'tide', 'shore'];
const HAN = ['灯', '塔', '海', '风', '夜', '船', '石', '浪', '光', '岸', '雾', '鸟'];

/**
 * A Markdown book of at least `target` characters: chapters of six paragraphs of five mixed
 * English and Chinese sentences, commas inside some, every sentence distinct (each carries its
 * number). Seeded, so every run reads the same book.
 */
export function mixedBook(target: number, seed = 1313): string {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const chapters: string[] = [];
  let length = 0;
  let n = 0;
  for (let c = 1; length < target; c += 1) {
    const paragraphs: string[] = [];
    for (let p = 0; p < 6; p += 1) {
      const sentences: string[] = [];
      for (let s = 0; s < 5; s += 1) {
        n += 1;
        if (random() < 0.35) {
          const han = Array.from({ length: 6 + Math.floor(random() * 14) }, () => pick(HAN)).join('');
          sentences.push(random() < 0.5 ? `${han}，${pick(HAN)}${pick(HAN)}第${n}。` : `${han}第${n}！`);
        } else {
          const words = Array.from({ length: 5 + Math.floor(random() * 14) }, () => pick(WORDS));
          if (random() < 0.4) words.splice(3, 0, `${words.splice(3, 1)[0] ?? 'and'},`);
          sentences.push(`${pick(['The', 'A', 'One', 'Then'])} ${words.join(' ')} number ${n}${pick(['.', '.', '!', '?'])}`);
        }
      }
      paragraphs.push(sentences.join(' '));
    }
    const chapter = `# Chapter ${c}\n\n${paragraphs.join('\n\n')}\n`;
    chapters.push(chapter);
    length += chapter.length;
  }
  return chapters.join('\n');
}
