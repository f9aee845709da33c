from django.urls import path

from violeta.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("nuevo/", views.case_register, name="register"),
    path("acceso-de-emergencia/", views.emergency_access, name="emergency_access"),
    path("relato-repetido/", views.cases_retold_list, name="retold"),
    path("<uuid:pk>/", views.case_detail, name="detail"),
    path("<uuid:pk>/consultas/", views.case_access_log, name="access_log"),
    path("<uuid:pk>/asignar/", views.case_assign, name="assign"),
    path("<uuid:pk>/notas/", views.case_note_add, name="add_note"),
    path("<uuid:pk>/relato/", views.case_account_add, name="account_add"),
    path("<uuid:pk>/protocolo/paso/", views.case_transition, name="transition"),
    path("<uuid:pk>/protocolo/lista/", views.case_checklist, name="checklist"),
    path("<uuid:pk>/protocolo/tarea/<int:task_id>/", views.case_task_done, name="task_done"),
    path("<uuid:pk>/consentimiento/", views.case_consent, name="consent"),
]
