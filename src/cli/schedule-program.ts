import type { Command } from 'commander';
import { loadConfig } from '../runtime/app-config.ts';
import type { SettingAlias } from '../providers/setting-aliases.ts';
import { maxUnitsOption } from './max-units-option.ts';
import { numberOption } from './parse-number.ts';
import { addRenderFlags } from './render-flags.ts';
import type { ScheduleAddOptions } from './schedule-add-options.ts';
import { scheduleAddCommand, scheduleListCommand, scheduleRemoveCommand, scheduleRunCommand } from './schedule-command.ts';

/** `tts-batch schedule add|list|remove|run`: a library rendered on a timetable by the workers (docs/fleet.md). */
export function addScheduleCommands(program: Command, settingAliases: readonly SettingAlias[]): void {
  const schedule = program
    .command('schedule')
    .description('render a library on a timetable: every new or changed book of a folder or S3 prefix, a report per run');
  addRenderFlags(
    schedule
      .command('add')
      .description('add (or replace) a schedule; its runs render each new or changed book of --source with these render options')
      .argument('<name>', 'the schedule: letters, digits, _ or -'),
    settingAliases,
  )
    .option('--cron <pattern>', 'when: a cron pattern, e.g. "0 2 * * *" (02:00 daily); 6 fields put seconds first')
    .option('--every <ms>', 'when: every this many milliseconds (instead of --cron)', numberOption('every'))
    .option('--tz <zone>', 'the time zone of --cron, e.g. Europe/Berlin (default: the local zone of the process computing the next run)')
    .requiredOption('--source <dir|s3://bucket/prefix>', 'the library: every .txt .md .html .epub under it, at any depth')
    .option('--max-units <n>', 'skip (and report) a book whose render would bill more than N units', maxUnitsOption)
    .option('--webhook <url>', 'POST a signed schedule.completed event (the run report) here when a run ends')
    .option('--webhook-secret-file <file>', 'the file holding the secret --webhook events are signed with')
    .option('--json', 'print the schedule as JSON (as GET /v1/schedules/{name} answers)')
    .action(async (name: string, opts: ScheduleAddOptions & Record<string, unknown>) => {
      const settingFlags = Object.fromEntries(settingAliases.map((alias) => [alias.key, opts[alias.key]]));
      process.exitCode = await scheduleAddCommand(name, { ...opts, settingFlags }, loadConfig());
    });
  schedule
    .command('list')
    .description('the schedules: when each runs next, its last run')
    .option('--json', 'print JSON, as GET /v1/schedules answers')
    .action(async (opts: { json?: boolean }) => {
      process.exitCode = await scheduleListCommand(opts, loadConfig());
    });
  schedule
    .command('remove')
    .description('remove a schedule (a run in progress finishes; rendered books stay)')
    .argument('<name>', 'the schedule')
    .action(async (name: string) => {
      process.exitCode = await scheduleRemoveCommand(name, loadConfig());
    });
  schedule
    .command('run')
    .description('start a run now (none while one is in progress); prints the run id')
    .argument('<name>', 'the schedule')
    .option('-w, --wait', 'wait for the run to end; print the report location (exit 0 = no book failed)')
    .option('--json', 'with --wait: print the run (its report) as JSON')
    .action(async (name: string, opts: { wait?: boolean; json?: boolean }) => {
      process.exitCode = await scheduleRunCommand(name, opts, loadConfig());
    });
}
