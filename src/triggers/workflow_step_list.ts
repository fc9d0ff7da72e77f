import { defineTrigger, type Bundle, type ZObject } from 'zapier-platform-core';

import { jazzhr } from '../jazzhr/client';
import { Workflow, type WorkflowStep } from '../jazzhr/schemas';
import sample from '../samples/workflow_step_list.json';
import { jazzhrPage } from './dropdown';

/** Steps in workflow order when JazzHR says it; otherwise as sent. */
function byOrder(a: WorkflowStep, b: WorkflowStep): number {
  const orderA = Number.parseFloat(a.order);
  const orderB = Number.parseFloat(b.order);
  if (Number.isNaN(orderA) || Number.isNaN(orderB)) return 0;
  return orderA - orderB;
}

/** Workflows listed once per step (JazzHR may list steps flat, each naming its workflow) folded into one. */
function mergeSameWorkflow(workflows: Workflow[]): Workflow[] {
  const byId = new Map<string, Workflow>();
  const merged: Workflow[] = [];
  for (const workflow of workflows) {
    const earlier = workflow.id === '' ? undefined : byId.get(workflow.id);
    if (earlier) {
      earlier.steps.push(...workflow.steps);
      continue;
    }
    const copy = { ...workflow, steps: [...workflow.steps] };
    if (workflow.id !== '') byId.set(workflow.id, copy);
    merged.push(copy);
  }
  return merged;
}

/** One item per step, keyed on the step id (step names are free text and repeat across workflows). */
export async function perform(z: ZObject, bundle: Bundle) {
  const workflows = await jazzhr(z, bundle).list('workflows', Workflow, {
    page: jazzhrPage(bundle),
  });
  const seen = new Set<string>();
  return mergeSameWorkflow(workflows).flatMap((workflow) =>
    [...workflow.steps].sort(byOrder).flatMap((step) => {
      if (step.id === '' || seen.has(step.id)) return [];
      seen.add(step.id);
      const workflowName = workflow.name || 'Workflow';
      const stepName = step.name || `Step ${step.id}`;
      return [
        {
          id: step.id,
          name: `${workflowName} › ${stepName}`,
          step_name: stepName,
          workflow_id: workflow.id,
          workflow_name: workflowName,
        },
      ];
    }),
  );
}

export default defineTrigger({
  key: 'workflow_step_list',
  noun: 'Workflow Step',
  display: {
    label: 'List Workflow Steps',
    description: 'Lists the steps of every hiring workflow to fill workflow step dropdowns.',
    hidden: true,
  },
  operation: {
    type: 'polling',
    perform,
    canPaginate: true,
    sample,
    outputFields: [
      { key: 'id', label: 'Workflow Step ID' },
      { key: 'name', label: 'Workflow Step (Workflow › Step)' },
      { key: 'step_name', label: 'Step Name' },
      { key: 'workflow_id', label: 'Workflow ID' },
      { key: 'workflow_name', label: 'Workflow Name' },
    ],
  },
});
