"""The base form every form of academy derives from."""

from __future__ import annotations

from flask import request
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms import MultipleFileField


class Form(FlaskForm):
    """A Flask-WTF form that gives uploaded files only to its file fields.

    Flask-WTF merges request.files into every form's data, so a file posted under a text
    field's name would reach that field's validators as a FileStorage and fail them with a
    TypeError. Here a text field only ever sees text.
    """

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            data = super().wrap_formdata(form, formdata)
            if not isinstance(data, CombinedMultiDict):
                return data
            names = {f.name for f in form if isinstance(f, FileField | MultipleFileField)}
            files = MultiDict([(k, v) for k, v in request.files.items(multi=True) if k in names])
            return CombinedMultiDict((files, request.form))
