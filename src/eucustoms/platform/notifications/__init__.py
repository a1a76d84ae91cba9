"""Notifications to traders (responses, referrals, decisions): kept in a queue the trader pulls and
acknowledges, and pushed to the trader's webhook, if it has one, with retries and back-off."""

from .pusher import Pusher
from .service import (
           acknowledge,
           notify,
           notify_many,
           pending,
           register_webhook,
           remove_webhook,
           webhook_of,
)
from .store import notification, notification_webhook

__all__ = ["Pusher", "acknowledge", "notify", "notify_many", "pending", "register_webhook", "remove_webhook", "webhook_of",
           "notification", "notification_webhook"]
