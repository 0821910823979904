import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../../src/errors/provider-error.ts';
import { TaskRouteGate } from '../../../src/worker/task-route-gate.ts';

/** No task is bought blind before a query route has answered once (issue 10 item 1). */
describe('TaskRouteGate', () => {
  const routeError = new ProviderError('HTTP 404 querying the task', { provider: 'ai302', kind: 'fatal', route: true });

  it('lets one probe out until a query answers, then every create', () => {
    const gate = new TaskRouteGate();
    expect(gate.beforeCreate()).toEqual({ action: 'probe' });
    expect(gate.beforeCreate()).toEqual({ action: 'wait' });
    gate.probeEnded();
    expect(gate.beforeCreate()).toEqual({ action: 'probe' });
    gate.answered();
    gate.probeEnded();
    expect(gate.beforeCreate()).toEqual({ action: 'create' });
    expect(gate.beforeCreate()).toEqual({ action: 'create' });
  });

  it('refuses creates after a route error until a query of an existing task answers', () => {
    const gate = new TaskRouteGate();
    gate.beforeCreate();
    gate.refused(routeError);
    gate.probeEnded();
    expect(gate.beforeCreate()).toEqual({ action: 'refused', error: routeError });
    gate.answered();
    expect(gate.beforeCreate()).toEqual({ action: 'create' });
  });
});
