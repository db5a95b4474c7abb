from django import forms


class VideoUploadForm(forms.Form):
    file = forms.FileField(allow_empty_file=True, max_length=10_000)
