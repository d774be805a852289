import { randomUUID } from 'node:crypto';
import express, { type Request, type Router } from 'express';
import type { VerifiedClaims } from '@token-warden/verifier';

export interface Order {
  id: string;
  item: string;
  quantity: number;
  createdAt: string;
}

/** The verifier's middleware sets `req.auth` on every request it lets through. */
const claimsOf = (req: Request) => (req as Request & { auth: VerifiedClaims }).auth;

/** Each user's orders, in memory: the point of the example is who may see them. */
export function ordersRouter(): Router {
  const orders = new Map<string, Order[]>();
  const router = express.Router();

  router.get('/orders', (req, res) => {
    res.json({ orders: orders.get(claimsOf(req).sub) ?? [] });
  });

  router.post('/orders', express.json({ limit: '4kb' }), (req, res) => {
    const { item, quantity } = (req.body ?? {}) as { item?: unknown; quantity?: unknown };
    if (typeof item !== 'string' || item.trim() === '' || item.length > 200) {
      res
        .status(400)
        .json({ error: 'BAD_REQUEST', message: 'item must be a non-empty string of at most 200 characters' });
      return;
    }
    if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1 || quantity > 1000) {
      res.status(400).json({ error: 'BAD_REQUEST', message: 'quantity must be a whole number from 1 to 1000' });
      return;
    }
    const order: Order = { id: randomUUID(), item: item.trim(), quantity, createdAt: new Date().toISOString() };
    const { sub } = claimsOf(req);
    orders.set(sub, [...(orders.get(sub) ?? []), order]);
    res.status(201).json(order);
  });

  /** Administrators see everyone's orders: the role comes from the verified token. */
  router.get('/admin/orders', (req, res) => {
    if (claimsOf(req).role !== 'ADMIN') {
      res.status(403).json({ error: 'FORBIDDEN', message: 'Administrators only.' });
      return;
    }
    res.json({ orders: [...orders.entries()].map(([userId, list]) => ({ userId, orders: list })) });
  });

  return router;
}
