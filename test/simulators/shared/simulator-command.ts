import { Command, InvalidArgumentError } from 'commander';
import { integerOption, numberOption, runUntilSignal } from './run-until-signal.ts';

/** What every simulator subcommand parses, whatever the provider. */
export interface SimulatorCommandOptions {
  port: number;
  host: string;
  key: string;
  faultRate?: number;
  seed: number;
  msPerChar: number;
  quiet?: boolean;
}

/** The parsed common options, as every simulator's start function takes them. */
export interface CommonStartOptions {
  port: number;
  host: string;
  apiKey: string;
  seed: number;
  msPerChar: number;
  maxRecorded: number;
  faultRate?: number;
  log?: (line: string) => void;
}

export interface SimulatorCommandSpec<O extends SimulatorCommandOptions, S extends { close(): Promise<void> }> {
  name: string;
  description: string;
  /** Help of --key: how the simulator expects the key. */
  keyHelp: string;
  /** What --fault-rate is a share of, e.g. 'requests'. */
  faultedUnits: string;
  /** What --quiet stops logging one line per, e.g. 'request'. */
  loggedUnit: string;
  /** Options listed right after --key (other credentials). */
  credentialOptions?: (command: Command) => void;
  /** The provider's own options, listed after --ms-per-char. */
  providerOptions?: (command: Command) => void;
  start: (common: CommonStartOptions, options: O) => Promise<S>;
  /** The `NAME=value` lines printed on stdout for a client to use. */
  envLines: (simulator: S) => readonly string[];
}

/** Wraps a parser so commander reports its message as a bad option value. */
export function parsedOption<T>(parse: (value: string) => T): (value: string) => T {
  return (value) => {
    try {
      return parse(value);
    } catch (error) {
      throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
    }
  };
}

/**
 * `simulator <provider> …`: the options all simulators share, then the provider's own; starts
 * the simulator, prints where to find it and runs until SIGINT or SIGTERM.
 */
export function simulatorCommand<O extends SimulatorCommandOptions, S extends { close(): Promise<void> }>(
  spec: SimulatorCommandSpec<O, S>,
): Command {
  const command = new Command(spec.name)
    .description(spec.description)
    .option('--port <port>', 'port to listen on (0 = any free port)', parsedOption(integerOption('--port', 0, 65535)), 0)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--key <key>', spec.keyHelp, 'test-key');
  spec.credentialOptions?.(command);
  command
    .option(
      '--fault-rate <rate>',
      `share of ${spec.faultedUnits} given a random fault, 0..1`,
      parsedOption(numberOption('--fault-rate', 0, 1)),
    )
    .option('--seed <seed>', 'seed of the fault draw', parsedOption(integerOption('--seed', 0, 2 ** 32 - 1)), 1)
    .option('--ms-per-char <ms>', 'speech per spoken character', parsedOption(numberOption('--ms-per-char', 0.1, 10_000)), 60);
  spec.providerOptions?.(command);
  return command.option('--quiet', `no line per ${spec.loggedUnit} on stderr`).action(async (options: O) => {
    const simulator = await spec.start(commonStartOptions(options), options);
    for (const line of spec.envLines(simulator)) console.log(line);
    await runUntilSignal(() => simulator.close());
  });
}

function commonStartOptions(options: SimulatorCommandOptions): CommonStartOptions {
  return {
    port: options.port,
    host: options.host,
    apiKey: options.key,
    seed: options.seed,
    msPerChar: options.msPerChar,
    // A long chaos run must not grow without bound.
    maxRecorded: 1000,
    ...(options.faultRate === undefined ? {} : { faultRate: options.faultRate }),
    ...(options.quiet ? {} : { log: (line: string) => console.error(line) }),
  };
}
