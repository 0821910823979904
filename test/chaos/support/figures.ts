/** One line per scenario on stdout, tagged so a run's figures can be grepped into docs/reliability.md. */
export function reportFigure(scenario: string, line: string): void {
  console.log(`[chaos] ${scenario}: ${line}`);
}
