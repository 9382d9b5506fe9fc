from django.urls import path
from django.views.i18n import set_language

from approvals import views, views_inbox, views_task

app_name = "approvals"
urlpatterns = [
    path("", views_inbox.inbox, name="tasks"),
    path("inbox/<slug:view>/", views_inbox.inbox, name="inbox"),
    path("tasks/bulk/", views_inbox.bulk_complete, name="bulk_complete"),
    path("start/", views.start_list, name="start_list"),
    path("start/<int:definition_id>/", views.start_form, name="start"),
    path("tasks/<int:task_id>/", views.task_detail, name="task"),
    path("tasks/<int:task_id>/claim/", views.task_claim_view, name="task_claim"),
    path("tasks/<int:task_id>/unclaim/", views.task_unclaim_view, name="task_unclaim"),
    path("tasks/<int:task_id>/delegate/", views_task.task_delegate_view, name="task_delegate"),
    path("tasks/<int:task_id>/resolve/", views_task.task_resolve_view, name="task_resolve"),
    path("tasks/<int:task_id>/comment/", views_task.task_comment_view, name="task_comment"),
    path("instances/<int:instance_id>/", views.instance_detail, name="instance"),
    path("language/", set_language, name="set_language"),
]
