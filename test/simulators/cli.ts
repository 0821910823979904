import { Command } from 'commander';
import { senseAudioCommand } from './senseaudio/command.ts';

/**
 * Provider simulators in the foreground: `npm run -s simulator -- <provider> [options]`.
 * Each provider adds its own subcommand here.
 */
const program = new Command('simulator')
  .description('Speech provider simulators for local runs and chaos tests; prints the base URL to use, runs until SIGINT/SIGTERM')
  .addCommand(senseAudioCommand());

await program.parseAsync(process.argv);
