import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { ExpressAdapter } from "@bull-board/express";
import type { Express, RequestHandler } from "express";
import type { PayqQueues } from "@payq/shared";
import { redact } from "./redact.ts";

export const BULL_BOARD_PATH = "/queues";

function board(queues: PayqQueues, writable: boolean): Express {
  const server = new ExpressAdapter();
  server.setBasePath(BULL_BOARD_PATH);
  const adapter = (queue: PayqQueues[keyof PayqQueues], readOnlyMode: boolean, description: string) => {
    const a = new BullMQAdapter(queue, { readOnlyMode, description });
    a.setFormatter("data", redact);
    a.setFormatter("returnValue", redact);
    return a;
  };
  createBullBoard({
    queues: [
      adapter(queues.payments, !writable, "Payments waiting for, or in, the pipeline"),
      adapter(queues.notifications, !writable, "Signed webhooks to merchants"),
      // Always read-only: a dead letter is replayed through payq (attempts reset, resumed at the failed
      // step, audited), never retried in place inside the DLQ.
      adapter(queues.paymentsDeadLetter, true, "Payments that need an operator: replay them from the console"),
      adapter(queues.notificationsDeadLetter, true, "Webhooks that could not be delivered"),
    ],
    serverAdapter: server,
    options: { uiConfig: { boardTitle: "payq queues" } },
  });
  // The adapter's router is an Express app of its own, which would announce itself in X-Powered-By.
  const app = server.getRouter() as Express;
  app.disable("x-powered-by");
  return app;
}

/** bull-board over every payq queue: operators may act on the live queues, viewers only look. */
export function bullBoard(queues: PayqQueues): RequestHandler {
  const forOperators = board(queues, true);
  const forViewers = board(queues, false);
  return (req, res, next) => (req.session.user?.role === "operator" ? forOperators : forViewers)(req, res, next);
}
