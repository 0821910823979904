import { Command } from 'commander';
import { ai302Command } from './ai302/command.ts';
import { cosyVoiceCommand } from './cosyvoice/command.ts';
import { senseAudioCommand } from './senseaudio/command.ts';
import { senseNovaCommand } from './sensenova/command.ts';

/**
 * Provider simulators in the foreground: `npm run -s simulator -- <provider> [options]`.
 * Each provider adds its own subcommand here.
 */
const program = new Command('simulator')
  .description('Speech provider simulators for local runs and chaos tests; prints the base URL to use, runs until SIGINT/SIGTERM')
  .addCommand(senseAudioCommand())
  .addCommand(senseNovaCommand())
  .addCommand(cosyVoiceCommand())
  .addCommand(ai302Command());

await program.parseAsync(process.argv);
