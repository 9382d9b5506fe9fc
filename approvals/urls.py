from django.urls import path

from approvals import views

app_name = "approvals"
urlpatterns = [
    path("", views.task_list, name="tasks"),
    path("start/", views.start_list, name="start_list"),
    path("start/<int:definition_id>/", views.start_form, name="start"),
    path("tasks/<int:task_id>/", views.task_detail, name="task"),
    path("tasks/<int:task_id>/claim/", views.task_claim_view, name="task_claim"),
    path("tasks/<int:task_id>/unclaim/", views.task_unclaim_view, name="task_unclaim"),
    path("instances/<int:instance_id>/", views.instance_detail, name="instance"),
]
