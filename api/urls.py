from django.contrib.auth.decorators import login_not_required

from api.api import api

# The API authenticates each request itself (a token or the session) and answers 401 in JSON, so the
# site-wide login redirect does not apply to it.
app_name = api.urls_namespace
urlpatterns = list(api.urls[0])
for pattern in urlpatterns:
    pattern.callback = login_not_required(pattern.callback)
