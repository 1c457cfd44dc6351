from django.conf import settings


def pilar(request):
    return {"PILAR_REGION": settings.PILAR_REGION}
