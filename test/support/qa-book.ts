import { seededRandom } from './seeded-random.ts';

const SENTENCES = [
  'The fog had not lifted yet, and the dock was already full of people waiting for the boat.',
  'She spread the old map on the table and circled three places with a pencil.',
  'Nobody answered the door, so we walked around to the garden at the back.',
  'The train turned a corner in the valley and the window suddenly filled with light.',
  'He did not reply; he only read the letter once more and folded it away.',
  'The old man who sold sugar figures at the market did not come today.',
  'We had agreed to meet at the bridge, but neither of us waited for the other.',
  'The lighthouse beam swept the sea in slow circles, as if it were counting something.',
  'That winter was so cold that the river froze over from bank to bank.',
  'The children sat around the fire and listened to their grandmother tell stories.',
  'A blue notebook lay on the top shelf, and nobody dared to touch it.',
  'The wind came from the north, carrying the smell of pine and wet earth.',
  'The bell rang seven times, and the courtyard fell silent at once.',
  'The little shop on the corner still had its lights on long after midnight.',
  'Somewhere far away a dog barked twice, and the wind swallowed the sound.',
  'Every street of this city, she had walked at least once.',
];

/**
 * An English book of `paragraphs` paragraphs (each planned as one segment), every paragraph its
 * own text (a numbered opening), two or three sentences from a seeded shuffle: about 240
 * characters a paragraph. `tag` makes the whole book's texts (and content keys) its own.
 */
export function qaBook(paragraphs: number, tag: string, seed = 7): string {
  const next = seededRandom(seed);
  const out: string[] = [];
  for (let p = 0; p < paragraphs; p += 1) {
    const count = 2 + Math.floor(next() * 2);
    const picked = Array.from({ length: count }, () => SENTENCES[Math.floor(next() * SENTENCES.length)] ?? '');
    out.push(`Part ${tag} ${p + 1}. ${picked.join(' ')}`);
  }
  return out.join('\n\n');
}
