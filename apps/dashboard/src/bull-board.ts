import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { ExpressAdapter } from "@bull-board/express";
import type { Router } from "express";
import type { PayqQueues } from "@payq/shared";

export const BULL_BOARD_PATH = "/queues";

/**
 * bull-board over every payq queue. The dead-letter queues are read-only here: a dead letter is
 * replayed through payq (which resets attempts and resumes at the failed step), never retried in place.
 */
export function bullBoardRouter(queues: PayqQueues): Router {
  const server = new ExpressAdapter();
  server.setBasePath(BULL_BOARD_PATH);
  createBullBoard({
    queues: [
      new BullMQAdapter(queues.payments, { description: "Payments waiting for, or in, the pipeline" }),
      new BullMQAdapter(queues.notifications, { description: "Signed webhooks to merchants" }),
      new BullMQAdapter(queues.paymentsDeadLetter, { readOnlyMode: true, description: "Payments that need an operator" }),
      new BullMQAdapter(queues.notificationsDeadLetter, { readOnlyMode: true, description: "Webhooks that could not be delivered" }),
    ],
    serverAdapter: server,
    options: { uiConfig: { boardTitle: "payq queues" } },
  });
  return server.getRouter() as Router;
}
