from django.urls import path

from learning import review_views, training_views, views

app_name = "learning"
urlpatterns = [
    path("projects/<id:project_id>/samples/", views.sample_list, name="sample-list"),
    path("projects/<id:project_id>/samples/start/", views.sample_start, name="sample-start"),
    path("projects/<id:project_id>/samples/label/", views.sample_label_page, name="sample-label-page"),
    path("projects/<id:project_id>/samples/answers/", views.sample_review, name="sample-review"),
    path("projects/<id:project_id>/samples/reopen-skipped/", views.reopen_skipped, name="reopen-skipped"),
    path("samples/<id:sample_id>/label/", views.sample_label, name="sample-label"),
    path("samples/<id:sample_id>/accept/", views.sample_accept, name="sample-accept"),
    path("samples/<id:sample_id>/card/", views.sample_card, name="sample-card"),
    path("samples/<id:sample_id>/image/", views.sample_image, name="sample-image"),
    path("projects/<id:project_id>/collect/preview/", views.collect_preview, name="collect-preview"),
    path("projects/<id:project_id>/collect/", views.collect, name="collect"),
    path("projects/<id:project_id>/uncertain/", views.uncertain_start, name="uncertain-start"),
    path("projects/<id:project_id>/apply-label/", views.apply_label, name="apply-label"),
    path("projects/<id:project_id>/train/", training_views.train_page, name="train-page"),
    path("projects/<id:project_id>/train/start/", training_views.train, name="train"),
    path("projects/<id:project_id>/train/retrain/", training_views.retrain, name="retrain"),
    path("jobs/<id:job_id>/training/", training_views.train_progress, name="train-progress"),
    path("jobs/<id:job_id>/retrain/", training_views.retrain_progress, name="retrain-progress"),
    path("videos/<id:video_id>/similar/", training_views.similar_frames, name="similar-frames"),
    path("projects/<id:project_id>/review/", review_views.review_page, name="review"),
    path("projects/<id:project_id>/review/estimate/", review_views.review_estimate, name="review-estimate"),
    path("projects/<id:project_id>/review/card/", review_views.review_card, name="review-card"),
    path("projects/<id:project_id>/review/verdict/", review_views.review_verdict, name="review-verdict"),
    path("projects/<id:project_id>/review/mark-reviewed/", review_views.mark_reviewed, name="mark-reviewed"),
    path("projects/<id:project_id>/audit/", review_views.audit_page, name="audit"),
    path("projects/<id:project_id>/audit/start/", review_views.audit_start, name="audit-start"),
    path("audit-frames/<id:sample_id>/card/", review_views.audit_card, name="audit-card"),
    path("audit-frames/<id:sample_id>/answer/", review_views.audit_answer, name="audit-answer"),
]
