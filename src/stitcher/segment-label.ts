/** How errors name a segment: its position (what the render counts) and its storage key. */
export function segmentLabel(position: number, key: string): string {
  return `segment ${position} (${key})`;
}
