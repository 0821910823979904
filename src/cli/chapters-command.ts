import { listChapters, resolveReadingOptions } from '../book/input-chapters.ts';
import { readInputFile } from './render-command.ts';

export interface ChaptersCommandOptions {
  inputFormat?: string;
  skipFrontMatter?: boolean;
  chapterLevel?: number;
  json?: boolean;
}

/**
 * Lists a book's chapters by the numbers `render --chapters` takes, with title, characters and
 * whether a render reads it by default: on stdout, a table (or `--json`); nothing is enqueued.
 */
export async function chaptersCommand(file: string, opts: ChaptersCommandOptions): Promise<number> {
  const input = await readInputFile(file, opts);
  const reading = resolveReadingOptions(input, { skipFrontMatter: opts.skipFrontMatter });
  const chapters = listChapters(input, reading);
  if (opts.json === true) {
    process.stdout.write(`${JSON.stringify({ source: input.source, chapters }, null, 2)}\n`);
    return 0;
  }
  const width = String(chapters.length).length;
  for (const chapter of chapters) {
    const note = chapter.read ? '' : chapter.characters === 0 ? '  (nothing to read)' : `  (${chapter.matter ?? 'not read'}, skipped)`;
    const title = chapter.title === '' ? '(untitled)' : chapter.title;
    process.stdout.write(`${String(chapter.number).padStart(width)}  ${title}  ${chapter.characters} chars${note}\n`);
  }
  const read = chapters.filter((chapter) => chapter.read);
  process.stderr.write(
    `${input.source.name}: ${input.source.format}, ${chapters.length} chapters, ${read.length} read by default, ${read.reduce((sum, c) => sum + c.characters, 0)} characters\n`,
  );
  return 0;
}
