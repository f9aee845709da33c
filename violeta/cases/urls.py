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
    path("<uuid:pk>/personas/nueva/", views.party_add, name="party_add"),
    path("<uuid:pk>/hechos/nuevo/", views.incident_add, name="incident_add"),
    path("<uuid:pk>/protocolo/paso/", views.case_transition, name="transition"),
    path("<uuid:pk>/protocolo/lista/", views.case_checklist, name="checklist"),
    path("<uuid:pk>/protocolo/tarea/<int:task_id>/", views.case_task_done, name="task_done"),
    path("<uuid:pk>/consentimiento/", views.consent_decide, name="consent"),
    path("<uuid:pk>/consentimiento/excepcion/", views.consent_override, name="consent_override"),
    path("<uuid:pk>/contacto/", views.contact_preference, name="contact"),
    path("<uuid:pk>/sesiones/nueva/", views.session_add, name="session_add"),
    path("<uuid:pk>/plan-de-seguridad/", views.safety_plan_update, name="safety_plan"),
    path("<uuid:pk>/tareas/nueva/", views.case_task_add, name="case_task_add"),
    path(
        "<uuid:pk>/tareas/<uuid:task_id>/hecha/",
        views.case_task_complete,
        name="case_task_complete",
    ),
    path("<uuid:pk>/linea-de-tiempo/", views.timeline, name="timeline"),
    path(
        "<uuid:pk>/lineamientos/<slug:code>/",
        views.guideline_resolve,
        name="guideline_resolve",
    ),
    path("<uuid:pk>/cerrar/", views.case_close, name="close"),
    path("<uuid:pk>/reabrir/", views.case_reopen, name="reopen"),
]
