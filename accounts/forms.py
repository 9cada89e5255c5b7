from __future__ import annotations

from django import forms


class CodeForm(forms.Form):
    """A six-digit code from the authenticator app (spaces allowed)."""

    code = forms.CharField(max_length=12, strip=True)


class RecoveryCodeForm(forms.Form):
    """One of the ten one-time recovery codes."""

    code = forms.CharField(max_length=20, strip=True)
