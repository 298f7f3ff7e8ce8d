from django.urls import path

from trygg.walks import answer_views, public_views, record_views, walk_views

app_name = "walks"

urlpatterns = [
    path("", walk_views.walk_list, name="list"),
    path("new/", walk_views.walk_new, name="new"),
    path("<int:pk>/", walk_views.walk_detail, name="detail"),
    path("<int:pk>/edit/", walk_views.walk_edit, name="edit"),
    path("<int:pk>/walked/", walk_views.walk_walked, name="walked"),
    path("<int:pk>/publish/", walk_views.walk_publish, name="publish"),
    path("<int:pk>/repeat/", walk_views.walk_repeat, name="repeat"),
    path("<int:pk>/compare/", walk_views.walk_compare, name="compare"),
    path("<int:pk>/protocol.pdf", walk_views.protocol_pdf, name="protocol_pdf"),
    path("findings/<int:pk>/edit/", walk_views.finding_edit, name="finding_edit"),
    path("photos/<str:token>/", walk_views.photo, name="photo"),
    path("<int:pk>/record/", record_views.record, name="record"),
    path("<int:pk>/findings/", record_views.finding_post, name="finding_post"),
    path("assigned/", answer_views.assigned, name="assigned"),
    path("findings/<int:pk>/answer/", answer_views.answer, name="answer"),
    path("public/<int:pk>/", public_views.protocol, name="public_protocol"),
    path("public/<int:pk>/signup/", public_views.signup, name="signup"),
    path("public/districts/<int:pk>/", public_views.district, name="public_district"),
]
