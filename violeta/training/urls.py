"""Training, sessions, campaigns and coverage, for staff, mounted at /capacitacion/."""

from violeta.training.views_campaigns import urlpatterns as campaigns
from violeta.training.views_learning import urlpatterns as learning
from violeta.training.views_sessions import urlpatterns as sessions

app_name = "training"
urlpatterns = [*learning, *sessions, *campaigns]
