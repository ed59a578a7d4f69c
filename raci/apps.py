from django.apps import AppConfig


class RaciConfig(AppConfig):
    name = "raci"
    verbose_name = "Responsibility matrices"

    def ready(self) -> None:
        # Registers every outbox handler and the Celery tasks now, in web and worker processes
        # alike; a handler module that cannot be imported stops the start (ImproperlyConfigured).
        from orgs.signals import role_changing, rule_settings_changed, team_merging
        from raci.delivery import chat
        from raci.delivery import tasks as delivery_tasks  # noqa: F401
        from raci.exports import tasks as exports_tasks  # noqa: F401
        from raci.matrices import receivers
        from raci.outbox import tasks as outbox_tasks  # noqa: F401
        from raci.outbox.handlers import handlers_load

        handlers_load()
        role_changing.connect(receivers.role_changing, dispatch_uid="raci.matrices.role_changing")
        team_merging.connect(chat.chat_channels_follow_merge, dispatch_uid="raci.delivery.chat.team_merging")
        rule_settings_changed.connect(
            receivers.rule_settings_changed, dispatch_uid="raci.matrices.rule_settings_changed"
        )
