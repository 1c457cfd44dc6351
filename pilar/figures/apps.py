from django.apps import AppConfig


class FiguresConfig(AppConfig):
    name = "pilar.figures"
    label = "figures"
    verbose_name = "Angka dan dasbor"

    def ready(self) -> None:
        from django_tasks.signals import task_finished

        from pilar.figures.signals import refresh_after_task

        # Background work (an import's apply, a dedup run) marks many kelurahan stale:
        # the worker recounts them right after the task, not a user's next page view.
        task_finished.connect(refresh_after_task, dispatch_uid="figures-refresh-after-task")
