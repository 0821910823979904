/** Keeps a foreground simulator alive until SIGINT or SIGTERM, then closes it and exits 0. */
export function runUntilSignal(close: () => Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      console.error(`simulator: ${signal}, closing`);
      close().then(resolve, (error: unknown) => {
        console.error('simulator: close failed', error);
        process.exitCode = 1;
        resolve();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** commander option parsers that refuse garbage instead of passing NaN along. */
export function integerOption(name: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (!Number.isInteger(number) || number < min || number > max) {
      throw new Error(`${name} must be an integer in [${min}, ${max}], got ${JSON.stringify(value)}`);
    }
    return number;
  };
}

export function numberOption(name: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (!Number.isFinite(number) || number < min || number > max) {
      throw new Error(`${name} must be a number in [${min}, ${max}], got ${JSON.stringify(value)}`);
    }
    return number;
  };
}
